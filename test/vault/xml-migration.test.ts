/**
 * What operators migrating off ENTSSO bring: files written from Microsoft's pages, with older
 * names, several mistakes at once, update files that state only what changes, and the Sysprep
 * script's <UpdateConfiguration>.
 */
import { describe, expect, it } from 'vitest';
import { parseApplicationsXml, parseApplicationUpdatesXml, parseGlobalInfoXml, parseMappingsXml } from '../../src/vault/xml/index.js';
import { xmlInvalid } from '../support/outcome.js';

/** The result of `read` and the notes it gave. */
function withNotes<T>(read: (onNote: (note: string) => void) => T): { result: T; notes: string[] } {
  const notes: string[] = [];
  return { result: read((note) => notes.push(note)), notes };
}

describe('every unknown name of a file in one run', () => {
  it('names each unknown flag, attribute and element with its line and the closest known name', () => {
    const text = [
      '<sso>',
      '  <application name="Billing">',
      '    <descriptoin>Billing host</descriptoin>',
      '    <field ordinal="0" label="User" maksed="no"/>',
      '    <flags enableApp="yes" alowTickets="yes" validateTicket="yes" colour="blue"/>',
      '  </application>',
      '  <aplication name="Other"/>',
      '</sso>',
    ].join('\n');
    expect(xmlInvalid(() => parseApplicationsXml(text, 'apps.xml'))).toBe(
      [
        'apps.xml has 6 problems:',
        '  line 3: unknown element <descriptoin> in <application> (did you mean <description>?): the known elements are <description>, <contact>, <appUserAccount>, <appAdminAccount>, <windowsAccount>, <field>, <flags>, <appTicketTimeout>',
        '  line 4: unknown attribute "maksed" on <field> (did you mean masked?): the known attributes are ordinal, label, masked, sync',
        '  line 5: unknown flag "alowTickets" (did you mean allowTickets?): the known flags are enableApp, groupApp, configStoreApp, hostInitiatedSSO, windowsInitiatedSSO, validatePassword, allowTickets, validateTickets, timeoutTickets, allowLocalAccounts, adminAccountSame, disableCredCache (each yes or no), and appTicketTimeout (minutes)',
        '  line 5: unknown flag "validateTicket" (did you mean validateTickets?): the known flags are enableApp, groupApp, configStoreApp, hostInitiatedSSO, windowsInitiatedSSO, validatePassword, allowTickets, validateTickets, timeoutTickets, allowLocalAccounts, adminAccountSame, disableCredCache (each yes or no), and appTicketTimeout (minutes)',
        '  line 5: unknown flag "colour": the known flags are enableApp, groupApp, configStoreApp, hostInitiatedSSO, windowsInitiatedSSO, validatePassword, allowTickets, validateTickets, timeoutTickets, allowLocalAccounts, adminAccountSame, disableCredCache (each yes or no), and appTicketTimeout (minutes)',
        '  line 7: unknown element <aplication> in <sso> (did you mean <application>?): the known elements are <application>',
      ].join('\n'),
    );
  });

  it('reports an error that stops the reading together with the unknown names before it', () => {
    const text = [
      '<sso>',
      '  <application name="Billing">',
      '    <contcat>x</contcat>',
      '    <field ordinal="x" label="User"/>',
      '  </application>',
      '</sso>',
    ].join('\n');
    expect(xmlInvalid(() => parseApplicationsXml(text, 'apps.xml'))).toBe(
      [
        'apps.xml has 2 problems:',
        '  line 3: unknown element <contcat> in <application> (did you mean <contact>?): the known elements are <description>, <contact>, <appUserAccount>, <appAdminAccount>, <windowsAccount>, <field>, <flags>, <appTicketTimeout>',
        '  line 4: ordinal="x" is not a whole number: number the fields 0 (the external user id), 1, 2 and so on',
      ].join('\n'),
    );
  });

  it('does not add what follows from an unknown name on the same line (a misspelt label, then "needs a label")', () => {
    const text = ['<sso>', '  <application name="Billing">', '    <field ordinal="0" lable="User"/>', '  </application>', '</sso>'].join('\n');
    expect(xmlInvalid(() => parseApplicationsXml(text, 'apps.xml'))).toBe(
      'apps.xml line 3: unknown attribute "lable" on <field> (did you mean label?): the known attributes are ordinal, label, masked, sync',
    );
  });

  it('in mapping and global info files too', () => {
    const mappings = [
      '<sso>',
      '  <mapping>',
      '    <windowsDomian>CORP</windowsDomian>',
      '    <windowsUserID>jsmith</windowsUserID>',
      '    <externalApp>Billing</externalApp>',
      '  </mapping>',
      '</sso>',
    ].join('\n');
    expect(xmlInvalid(() => parseMappingsXml(mappings, 'maps.xml'))).toBe(
      [
        'maps.xml has 3 problems:',
        '  line 3: unknown element <windowsDomian> in <mapping> (did you mean <windowsDomain>?): the known elements are <windowsDomain>, <windowsUserId>, <externalApplication>, <externalUserId>',
        '  line 5: unknown element <externalApp> in <mapping>: the known elements are <windowsDomain>, <windowsUserId>, <externalApplication>, <externalUserId>',
        '  line 2: <mapping> needs a non-empty <windowsDomain>: the Windows domain, e.g. CORP',
      ]
        .sort((a, b) => Number(/line (\d+)/.exec(a)?.[1] ?? 0) - Number(/line (\d+)/.exec(b)?.[1] ?? 0))
        .join('\n'),
    );
    const global = '<sso>\n  <globalInfo>\n    <secretSever>SSO1</secretSever>\n    <ticketTimout>5</ticketTimout>\n  </globalInfo>\n</sso>';
    expect(xmlInvalid(() => parseGlobalInfoXml(global, 'global.xml'))).toMatch(
      /^global\.xml has 2 problems:\n {2}line 3: unknown element <secretSever> in <globalInfo> \(did you mean <secretServer>\?\).*\n {2}line 4: unknown element <ticketTimout> in <globalInfo> \(did you mean <ticketTimeout>\?\)/,
    );
  });
});

describe("older names from Microsoft's pages", () => {
  const OLDER = [
    '<sso>',
    '  <application name="Ledger">',
    '    <userGroup>CORP\\Ledger Users</userGroup>',
    '    <appAdminGroup>CORP\\Ledger Admins</appAdminGroup>',
    '    <field ordinal="0" label="User"/>',
    '    <flags allowLocalGroups="yes" ADMINGROUPSAME="no" ticketTimeout="no"/>',
    '  </application>',
    '</sso>',
  ].join('\n');

  it('are read as their current names, each with a one-line note', () => {
    const { result, notes } = withNotes((onNote) => parseApplicationsXml(OLDER, 'old.xml', onNote));
    expect(result[0]).toMatchObject({
      userAccounts: ['CORP\\Ledger Users'],
      adminAccounts: ['CORP\\Ledger Admins'],
      flags: { allowLocalAccounts: true, adminAccountSame: false, timeoutTickets: false },
      ticketTimeoutMinutes: null,
    });
    expect(notes).toEqual([
      'old.xml line 3: <userGroup> is read as <appUserAccount> (its name in older ENTSSO pages)',
      'old.xml line 4: <appAdminGroup> is read as <appAdminAccount> (its name in older ENTSSO pages)',
      'old.xml line 6: allowLocalGroups is read as allowLocalAccounts (its name in older ENTSSO pages)',
      'old.xml line 6: ADMINGROUPSAME is read as adminAccountSame (its name in older ENTSSO pages)',
      'old.xml line 6: ticketTimeout is read as timeoutTickets (its name in older ENTSSO pages)',
    ]);
  });

  it('a misspelt older name is pointed at the current name', () => {
    expect(xmlInvalid(() => parseApplicationsXml(OLDER.replace('allowLocalGroups', 'allowLocalGroup'), 'old.xml'))).toMatch(
      /^old\.xml line 6: unknown flag "allowLocalGroup" \(did you mean allowLocalAccounts\?\)/,
    );
  });

  it('an older name beside its current one is given twice', () => {
    expect(xmlInvalid(() => parseApplicationsXml(OLDER.replace('ticketTimeout="no"', 'ticketTimeout="no" timeoutTickets="yes"'), 'old.xml'))).toBe(
      'old.xml line 6: flag timeoutTickets is given twice on <flags> (as ticketTimeout and timeoutTickets): keep one',
    );
  });

  it("<globalnfo>, as one of Microsoft's samples spells it, is read as <globalInfo> with a note", () => {
    const { result, notes } = withNotes((onNote) =>
      parseGlobalInfoXml('<sso>\n  <globalnfo><secretServer>SSO1</secretServer></globalnfo>\n</sso>', 'g.xml', onNote),
    );
    expect(result).toStrictEqual({ secretServer: 'SSO1' });
    expect(notes).toEqual(["g.xml line 2: <globalnfo> is read as <globalInfo> (a misspelling in one of Microsoft's samples)"]);
  });
});

describe('host group applications', () => {
  it('a <windowsAccount> and enableApp="yes" are enough: host group implies host-initiated', () => {
    const text =
      '<sso>\n  <application name="Mainframe">\n    <windowsAccount>CORP\\MainframeHost</windowsAccount>\n    <field ordinal="0" label="User"/>\n    <flags enableApp="yes"/>\n  </application>\n</sso>';
    const [app] = parseApplicationsXml(text, 'host.xml');
    expect(app).toMatchObject({
      type: 'hostGroup',
      windowsAccount: 'CORP\\MainframeHost',
      flags: { enableApp: true, hostInitiatedSSO: true, windowsInitiatedSSO: true },
    });
  });

  it('hostInitiatedSSO="no" beside a <windowsAccount> is refused at the flags line', () => {
    const text =
      '<sso>\n  <application name="Mainframe">\n    <windowsAccount>CORP\\MainframeHost</windowsAccount>\n    <flags hostInitiatedSSO="no"/>\n  </application>\n</sso>';
    expect(xmlInvalid(() => parseApplicationsXml(text, 'host.xml'))).toBe(
      'host.xml line 4: <windowsAccount> (line 3) makes Mainframe a host group application, and host group applications are host-initiated: remove hostInitiatedSSO="no"',
    );
  });
});

describe('an individual application that turns Windows-initiated SSO off', () => {
  it('is host-initiated unless it says otherwise, with a note', () => {
    const text = (flags: string) =>
      `<sso>\n  <application name="Billing">\n    <field ordinal="0" label="User"/>\n    <flags ${flags}/>\n  </application>\n</sso>`;
    const { result, notes } = withNotes((onNote) => parseApplicationsXml(text('windowsInitiatedSSO="no"'), 'apps.xml', onNote));
    expect(result[0]?.flags).toMatchObject({ windowsInitiatedSSO: false, hostInitiatedSSO: true });
    expect(notes).toEqual([
      'apps.xml line 2: Billing turns windowsInitiatedSSO off and does not state hostInitiatedSSO: it is created host-initiated, so that it can serve lookups',
    ]);
    const stated = withNotes((onNote) => parseApplicationsXml(text('windowsInitiatedSSO="no" hostInitiatedSSO="no"'), 'apps.xml', onNote));
    expect(stated.result[0]?.flags).toMatchObject({ windowsInitiatedSSO: false, hostInitiatedSSO: false });
    expect(stated.notes).toEqual([]);
  });
});

describe('update files state only what changes (ssomanage -updateapps)', () => {
  it('omitted elements and flags are not stated, so they stay as they are', () => {
    const text = '<sso>\n  <application name="Billing">\n    <contact>billing@example.org</contact>\n    <flags allowTickets="yes"/>\n  </application>\n</sso>';
    expect(parseApplicationUpdatesXml(text, 'update.xml')).toStrictEqual([
      { name: 'Billing', line: 2, contact: 'billing@example.org', flags: { allowTickets: true } },
    ]);
  });

  it('an empty element clears what it names; fields are stated only when given', () => {
    const text =
      '<sso>\n  <application name="Billing">\n    <description/>\n    <appUserAccount/>\n    <field ordinal="0" label="User"/>\n  </application>\n</sso>';
    expect(parseApplicationUpdatesXml(text, 'update.xml')).toStrictEqual([
      { name: 'Billing', line: 2, description: '', userAccounts: [], fields: [{ ordinal: 0, label: 'User', masked: false, sync: false }], flags: {} },
    ]);
  });
});

describe("the Sysprep script's <UpdateConfiguration> (ssomanage -updatedb)", () => {
  it('reads the <sso> inside it and skips the sections of other tools', () => {
    const text = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<UpdateConfiguration>',
      '  <BizTalk><Server>BTS01</Server></BizTalk>',
      '  <sso>',
      '    <globalInfo>',
      '      <secretServer>SSO02</secretServer>',
      '    </globalInfo>',
      '  </sso>',
      '</UpdateConfiguration>',
    ].join('\r\n');
    expect(parseGlobalInfoXml(text, 'UpdateInfo.xml')).toStrictEqual({ secretServer: 'SSO02' });
  });

  it('without an <sso> inside, says where it belongs', () => {
    expect(xmlInvalid(() => parseGlobalInfoXml('<UpdateConfiguration>\n  <globalInfo/>\n</UpdateConfiguration>', 'UpdateInfo.xml'))).toBe(
      'UpdateInfo.xml line 1: <UpdateConfiguration> holds no <sso>: put the SSO settings in <sso><globalInfo>…</globalInfo></sso> inside it',
    );
  });

  it('is a global info file only: an applications file with that root is refused', () => {
    expect(xmlInvalid(() => parseApplicationsXml('<UpdateConfiguration><sso/></UpdateConfiguration>', 'apps.xml'))).toBe(
      "apps.xml line 1: the root element is <UpdateConfiguration>, and an ENTSSO file's root is <sso>: wrap the content in <sso>…</sso>",
    );
  });
});

describe('descriptions an editor wrapped', () => {
  it('are read as one line, each line break with its indentation a space, with a note', () => {
    const text = [
      '<sso>',
      '  <application name="Billing">',
      '    <description>Billing host for the',
      '      finance department,\tweekdays</description>',
      '    <contact>',
      '      billing@example.org',
      '    </contact>',
      '  </application>',
      '</sso>',
    ].join('\r\n');
    const { result, notes } = withNotes((onNote) => parseApplicationsXml(text, 'apps.xml', onNote));
    expect(result[0]).toMatchObject({ description: 'Billing host for the finance department, weekdays', contact: 'billing@example.org' });
    expect(notes).toEqual(['apps.xml line 3: <description> runs over 2 lines and is read as one line, each line break a space']);
  });
});

describe("another tool's file", () => {
  it("the identity synchronisation agent's <sso> file is named for what it is", () => {
    const text = '<sso>\n  <SourceMA name="HOSTMA1"/>\n  <ENTSSOMA name="VAULTMA1"><Application name="A"/></ENTSSOMA>\n</sso>';
    const agent = 'belongs to the configuration of the identity synchronisation management agent (MIIS), which is not a file for ssomanage';
    expect(xmlInvalid(() => parseApplicationsXml(text, 'agent.xml'))).toBe(
      `agent.xml has 2 problems:\n  line 2: <SourceMA> in <sso> ${agent}\n  line 3: <ENTSSOMA> in <sso> ${agent}`,
    );
  });
});

describe('files built to cost time or memory', () => {
  // Each would take minutes if a scan were quadratic; linear, they take milliseconds.
  it('a long run of dashes in a comment with a mistyped end, many times over', () => {
    const text = `<sso>\n<!--${`${'-'.repeat(60_000)}<`.repeat(30)}`;
    expect(xmlInvalid(() => parseApplicationsXml(text, 'dashes.xml'))).toMatch(/^dashes\.xml line 2, column 1: the XML is not well-formed: /);
  });

  it('long runs of spaces before the end of values', () => {
    const body = (name: string) => `  <application name="${name}">\n    <description>d${' '.repeat(60_000)}x</description>\n  </application>\n`;
    const text = `<sso>\n${['A', 'B', 'C', 'D', 'E', 'F'].map(body).join('')}</sso>`;
    expect(xmlInvalid(() => parseApplicationsXml(text, 'spaces.xml'))).toMatch(/^spaces\.xml line 3: <description> has 60002 characters/);
  });

  it('a file of 100,000 unknown elements lists the first 50 and counts the rest; notes stop at 20', () => {
    const unknown = `<sso>\n${'<zzz/>\n'.repeat(100_000)}</sso>`;
    const message = xmlInvalid(() => parseApplicationsXml(unknown, 'many.xml'));
    expect(message.split('\n')).toHaveLength(52);
    expect(message.split('\n')[0]).toBe('many.xml has 100000 problems:');
    expect(message.split('\n')[51]).toBe('  and 99950 more');
    const older = `<sso>\n  <application name="A">\n${'    <userGroup>CORP\\A</userGroup>\n'.repeat(1000)}  </application>\n</sso>`;
    const { notes } = withNotes((onNote) => parseApplicationsXml(older, 'older.xml', onNote));
    expect(notes).toHaveLength(21);
    expect(notes[20]).toBe('older.xml: 980 more notes like these');
  });
});
