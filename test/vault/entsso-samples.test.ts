/**
 * Each look-alike of a file Microsoft published for ENTSSO (test/fixtures/entsso, README.md there
 * names the page each one imitates), read as ENTSSO would: accepted with what it defines, or
 * refused with the line and the real cause. Repaired copies show the next cause is named too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/index.js';
import { decodeXmlBytes, parseApplicationsXml, parseApplicationUpdatesXml, parseGlobalInfoXml, parseMappingsXml } from '../../src/vault/xml/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'entsso');
const sample = (name: string): string => decodeXmlBytes(readFileSync(join(FIXTURES, name)), name);

/** The result of `read` with the notes it gave, or the XML_INVALID message. */
function read<T>(run: (onNote: (note: string) => void) => T): { result?: T; notes: string[]; error?: string } {
  const notes: string[] = [];
  try {
    return { result: run((note) => notes.push(note)), notes };
  } catch (error) {
    if (isTesseraError(error, 'XML_INVALID')) return { notes, error: error.message };
    throw error;
  }
}
const apps = (name: string, text = sample(name)) => read((onNote) => parseApplicationsXml(text, name, onNote));
const global = (name: string, text = sample(name)) => read((onNote) => parseGlobalInfoXml(text, name, onNote));
const mappings = (name: string, text = sample(name)) => read((onNote) => parseMappingsXml(text, name, onNote));

const COMMENT_FIX = 'write a comment as <!-- … -->, with two ordinary hyphens at each end, nothing between "--" and ">", and no "--" inside';

describe('the SDK samples (Samples/SSO/Manage, Samples/Admin/Sysprep)', () => {
  it('AffiliateApplication.xml: two individual applications, validateTickets without allowTickets, created disabled', () => {
    const { result, notes } = apps('sdk-affiliate-application.xml');
    expect(notes).toEqual([]);
    expect(result?.map((app) => [app.name, app.type, app.fields.length, app.flags.enableApp, app.flags.allowTickets, app.flags.validateTickets])).toEqual([
      ['LedgerHost', 'individual', 2, false, false, true],
      ['DepotStock', 'individual', 3, false, false, true],
    ]);
  });

  it('UserMapping.xml: the mappings, DOMAIN\\user', () => {
    expect(mappings('sdk-user-mapping.xml').result).toEqual([
      { account: 'FABRIKAM\\mgarcia', application: 'LedgerHost', externalUser: 'LGR0412' },
      { account: 'FABRIKAM\\tnakamura', application: 'LedgerHost', externalUser: 'LGR0977' },
    ]);
  });

  it('GlobalInfo.xml: all eight settings', () => {
    expect(global('sdk-global-info.xml').result).toEqual({
      ssoAdminAccounts: ['FABRIKAM\\Vault Admins'],
      affiliateAdminAccounts: ['FABRIKAM\\Vault Affiliate Admins'],
      secretServer: 'KEYHOST01',
      auditDeletedApps: 500,
      auditDeletedMappings: 500,
      auditCredentialLookups: 2500,
      ticketTimeoutMinutes: 3,
      credCacheTimeoutMinutes: 45,
    });
  });

  it("Sysprep's UpdateInfo.xml: the <sso><globalInfo> inside <UpdateConfiguration>, the database sections skipped", () => {
    expect(global('sysprep-update-info.xml').result).toEqual({ ssoAdminAccounts: ['VMCLONE42\\Vault Administrators'], secretServer: 'VMCLONE42' });
  });
});

describe('the pages on affiliate applications', () => {
  it('SAP: <appuserAccount> in its own casing, validateTickets without allowTickets', () => {
    const { result, error } = apps('sap-affiliate-application.xml');
    expect(error).toBeUndefined();
    expect(result?.[0]).toMatchObject({
      name: 'WMS',
      userAccounts: ['corp\\WarehouseUsers'],
      flags: { allowTickets: false, validateTickets: true, timeoutTickets: true },
    });
  });

  it('SAP host-initiated password validation: no groupApp, two spaces after <flags; validatePassword on by default', () => {
    const { result } = apps('sap-host-password-validation.xml');
    expect(result?.[0]).toMatchObject({ type: 'individual', flags: { groupApp: false, validatePassword: true } });
  });

  it.each([
    ['tibco-rendezvous-affiliate-application.xml', 7, 9, '"<!—" starts no comment (U+2014 EM DASH is not a hyphen)'],
    ['jde-enterpriseone-affiliate-application.xml', 7, 9, '"<!—" starts no comment (U+2014 EM DASH is not a hyphen)'],
    ['tibco-ems-affiliate-application.xml', 7, 9, '"<!—" starts no comment (U+2014 EM DASH is not a hyphen)'],
    ['jde-oneworld-affiliate-application.xml', 7, 11, '"<!—" starts no comment (U+2014 EM DASH is not a hyphen)'],
    ['peoplesoft-affiliate-application.xml', 7, 11, '"<!—" starts no comment (U+2014 EM DASH is not a hyphen)'],
  ])('%s: refused where the comment typed with an em dash starts, as ENTSSO refuses it', (name, line, column, cause) => {
    expect(apps(name).error).toBe(`${name} line ${line}, column ${column}: the XML is not well-formed: ${cause}: ${COMMENT_FIX}`);
  });

  it('with its comments typed right, the PeopleSoft file is refused at the start tag meant as an end tag', () => {
    const repaired = sample('peoplesoft-affiliate-application.xml').replace(/<!—-?/g, '<!--').replace(/ - >/g, ' -->');
    expect(apps('peoplesoft.xml', repaired).error).toBe(
      'peoplesoft.xml line 13, column 6: the XML is not well-formed: line 8 opens <appAdminAccount> twice and never closes it: the second <appAdminAccount> is meant as </appAdminAccount>',
    );
  });

  it('with its comments typed right, the TIBCO Rendezvous file reads its older element names with notes, and its name with a space between words', () => {
    const repaired = sample('tibco-rendezvous-affiliate-application.xml').replace(/<!—-?/g, '<!--').replace(/ - >/g, ' -->');
    const { result, notes, error } = apps('rendezvous.xml', repaired);
    expect(error).toBeUndefined();
    expect(result?.[0]?.name).toContain(' ');
    expect(notes.some((note) => note.includes('<userGroup> is read as <appUserAccount>'))).toBe(true);
    expect(notes.some((note) => note.includes('<appAdminGroup> is read as <appAdminAccount>'))).toBe(true);
  });

  it('the update page: no <field>, so -updateapps leaves the fields as they are', () => {
    const [statement] = read((onNote) => parseApplicationUpdatesXml(sample('update-apps-no-fields.xml'), 'update.xml', onNote)).result ?? [];
    expect(statement).toStrictEqual({
      name: 'LedgerHost',
      line: 2,
      description: 'General ledger, second data centre',
      contact: 'ledger-team@example.org',
      userAccounts: ['FABRIKAM\\Ledger Clerks'],
      adminAccounts: ['FABRIKAM\\Ledger Stewards'],
      flags: { allowTickets: false, validateTickets: true, timeoutTickets: true, enableApp: false },
    });
  });

  it('the deployment page: older flag names, one per line, each read with a note', () => {
    const { result, notes } = apps('deployment-older-names.xml');
    expect(result?.[0]?.flags).toMatchObject({
      allowLocalAccounts: true,
      timeoutTickets: true,
      adminAccountSame: false,
      hostInitiatedSSO: true,
      validatePassword: true,
    });
    expect(notes).toEqual([
      'deployment-older-names.xml line 14: allowLocalGroups is read as allowLocalAccounts (its name in older ENTSSO pages)',
      'deployment-older-names.xml line 15: ticketTimeout is read as timeoutTickets (its name in older ENTSSO pages)',
      'deployment-older-names.xml line 16: adminGroupSame is read as adminAccountSame (its name in older ENTSSO pages)',
    ]);
  });

  it("the identity synchronisation agent's file, fed to -createapps, is named for what it is", () => {
    expect(apps('miis-management-agent.xml').error).toMatch(
      /^miis-management-agent\.xml has 2 problems:\n {2}line 4: <SourceMA> in <sso> belongs to the configuration of the identity synchronisation management agent/,
    );
  });
});

describe('the pages on host-initiated SSO', () => {
  it('a host group application with only <windowsAccount> and enableApp="yes": host group, host-initiated, enabled', () => {
    expect(apps('host-group-application.xml').result?.[0]).toMatchObject({
      type: 'hostGroup',
      windowsAccount: 'DomainName\\PoolRunner1',
      flags: { enableApp: true, hostInitiatedSSO: true },
    });
  });

  it('an individual application with windowsInitiatedSSO="no" only: host-initiated, with a note', () => {
    const { result, notes } = apps('host-initiated-individual.xml');
    expect(result?.[0]?.flags).toMatchObject({ windowsInitiatedSSO: false, hostInitiatedSSO: true, enableApp: true });
    expect(notes).toHaveLength(1);
  });

  it("the sample copied from a browser's XML view is refused at its first line, naming the view", () => {
    expect(apps('host-initiated-both-ie-view.xml').error).toBe(
      'host-initiated-both-ie-view.xml line 2, column 1: the XML is not well-formed: the line starts with "- ", as a browser\'s XML view shows an element that holds others: the file was copied from that view; remove the "- " before each tag',
    );
  });

  it('the mappings page: an out-dented <externalUserId> whose value has spaces', () => {
    expect(mappings('host-initiated-mappings.xml').result).toEqual([
      { account: 'DomainName\\UserB', application: 'TerminalHost1', externalUser: 'Host login that belongs to UserB' },
    ]);
  });

  it('the user mappings page: applications named with a space between words', () => {
    expect(mappings('user-mappings.xml').result?.map((mapping) => mapping.application)).toEqual(['Target app1', 'Target app2']);
  });
});

describe('the pages on the SSO database and the master secret server', () => {
  it('updating the SSO database: all eight settings, unindented', () => {
    expect(global('update-sso-database.xml').result).toMatchObject({ secretServer: 'HostA', auditDeletedApps: 1000 });
  });

  it.each([
    ['update-credential-database-globalnfo.xml', 11],
    ['audit-globalnfo.xml', 6],
  ])('%s: <globalnfo> closed by </globalInfo> is refused at the end tag, naming both spellings', (name, line) => {
    expect(global(name).error).toBe(
      `${name} line ${line}, column 1: the XML is not well-formed: <globalnfo> (line 2) is closed by </globalInfo>, spelt differently (XML names must match exactly, case included): spell both alike`,
    );
  });

  it('changing the master secret server: indentation of no-break spaces is the white space it looks like', () => {
    expect(global('change-secret-server-nbsp.xml').result).toEqual({ secretServer: 'Vault Server name' });
  });

  it.each([
    ['move-secret-server.xml', 'NextKeyHost'],
    ['cluster-secret-server.xml', 'KEY_CLUSTER'],
  ])('%s: the secret server', (name, server) => {
    expect(global(name).result).toEqual({ secretServer: server });
  });
});

describe('as Windows tools save them', () => {
  it.each([
    [
      'UTF-16 LE with a BOM (Notepad "Unicode", PowerShell 5.1 Out-File)',
      (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    ],
    ['UTF-16 BE with a BOM', (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-8 with a BOM and CRLF', (text: string) => Buffer.from(`\ufeff${text.replace(/\n/g, '\r\n')}`, 'utf8')],
  ])('the SDK applications file as %s reads the same', (_how, save) => {
    const text = sample('sdk-affiliate-application.xml');
    expect(parseApplicationsXml(decodeXmlBytes(save(text), 'a.xml'), 'a.xml')).toStrictEqual(parseApplicationsXml(text, 'a.xml'));
  });
});
