import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/index.js';
import type { ApplicationFlags, GlobalInfo } from '../../src/store/index.js';
import { textProblem } from '../../src/vault/index.js';
import {
  type ApplicationDefinition,
  type MappingDefinition,
  applicationsToXml,
  globalInfoToXml,
  mappingsToXml,
  parseApplicationsXml,
  parseGlobalInfoXml,
  parseMappingsXml,
} from '../../src/vault/xml/index.js';

/** The message of the XML_INVALID error `run` throws. */
function xmlInvalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isTesseraError(error, 'XML_INVALID')) {
      expect(error.status).toBe(400);
      return error.message;
    }
    throw error;
  }
  throw new Error('expected XML_INVALID, and nothing was thrown');
}

/** An applications file whose `body` lines start at line 3 (line 2 is <application name="PayrollHost">). */
const appsFile = (...body: string[]): string => ['<sso>', '  <application name="PayrollHost">', ...body, '  </application>', '</sso>'].join('\n');
const appError = (...body: string[]): string => xmlInvalid(() => parseApplicationsXml(appsFile(...body), 'apps.xml'));

const DEFAULT_FLAGS: ApplicationFlags = {
  enableApp: false,
  groupApp: false,
  configStoreApp: false,
  hostInitiatedSSO: false,
  windowsInitiatedSSO: true,
  validatePassword: true,
  allowTickets: false,
  validateTickets: false,
  timeoutTickets: true,
  allowLocalAccounts: false,
  adminAccountSame: false,
  disableCredCache: false,
};

// The sample of the ENTSSO reference ("XML formats").
const PAYROLL_HOST = `<sso>
  <application name="PayrollHost">
    <description>Mainframe payroll</description>
    <contact>ops@example.org</contact>
    <appUserAccount>CORP\\Payroll Users</appUserAccount>
    <appAdminAccount>CORP\\Payroll Admins</appAdminAccount>
    <field ordinal="0" label="Logon" masked="no"/>
    <field ordinal="1" label="Passphrase" masked="yes"/>
    <flags groupApp="no" allowTickets="yes" validateTickets="yes" enableApp="no"/>
  </application>
</sso>
`;

const PAYROLL_HOST_DEFINITION: ApplicationDefinition = {
  name: 'PayrollHost',
  type: 'individual',
  description: 'Mainframe payroll',
  contact: 'ops@example.org',
  userAccounts: ['CORP\\Payroll Users'],
  adminAccounts: ['CORP\\Payroll Admins'],
  windowsAccount: null,
  fields: [
    { ordinal: 0, label: 'Logon', masked: false, sync: false },
    { ordinal: 1, label: 'Passphrase', masked: true, sync: false },
  ],
  flags: { ...DEFAULT_FLAGS, allowTickets: true, validateTickets: true },
  ticketTimeoutMinutes: null,
};

describe('parseApplicationsXml', () => {
  it('reads the reference sample (PayrollHost) to the exact definition', () => {
    expect(parseApplicationsXml(PAYROLL_HOST, 'apps.xml')).toStrictEqual([PAYROLL_HOST_DEFINITION]);
  });

  it('accepts <SSO>, <appuserAccount> and any case of element and attribute names', () => {
    const text = PAYROLL_HOST.replaceAll('<sso>', '<SSO>')
      .replaceAll('</sso>', '</SSO>')
      .replaceAll('appUserAccount', 'appuserAccount')
      .replace('allowTickets=', 'ALLOWTICKETS=');
    expect(parseApplicationsXml(text, 'apps.xml')).toStrictEqual([PAYROLL_HOST_DEFINITION]);
  });

  it('takes several accounts as repeated elements and as ; or , separated lists', () => {
    const [app] = parseApplicationsXml(
      appsFile(
        '    <appUserAccount>CORP\\A; CORP\\B ,CORP\\C</appUserAccount>',
        '    <appUserAccount>CORP\\D</appUserAccount>',
        '    <appAdminAccount>CORP\\E,CORP\\F;</appAdminAccount>',
        '    <field ordinal="0" label="User Id"/>',
      ),
      'apps.xml',
    );
    expect(app?.userAccounts).toEqual(['CORP\\A', 'CORP\\B', 'CORP\\C', 'CORP\\D']);
    expect(app?.adminAccounts).toEqual(['CORP\\E', 'CORP\\F']);
  });

  it('uses ENTSSO defaults for absent flags and accepts true/false and 1/0 in any case', () => {
    const [plain] = parseApplicationsXml(appsFile('    <field ordinal="0" label="User Id"/>'), 'apps.xml');
    expect(plain?.flags).toStrictEqual(DEFAULT_FLAGS);
    const [spelt] = parseApplicationsXml(
      appsFile('    <field ordinal="0" label="User Id" masked="FALSE"/>', '    <flags allowTickets="True" windowsInitiatedSSO="0" enableApp=" 1 "/>'),
      'apps.xml',
    );
    expect(spelt?.flags).toStrictEqual({ ...DEFAULT_FLAGS, allowTickets: true, windowsInitiatedSSO: false, hostInitiatedSSO: true, enableApp: true });
  });

  it('derives the type: configStoreApp, groupApp, a <windowsAccount> (host group), else individual', () => {
    const typeOf = (...body: string[]) => parseApplicationsXml(appsFile('    <field ordinal="0" label="Id"/>', ...body), 'apps.xml')[0]?.type;
    expect(typeOf('    <flags configStoreApp="yes"/>')).toBe('configStore');
    expect(typeOf('    <flags groupApp="yes"/>')).toBe('group');
    expect(typeOf('    <windowsAccount>CORP\\PayrollHost</windowsAccount>', '    <flags hostInitiatedSSO="yes"/>')).toBe('hostGroup');
    expect(typeOf('    <flags hostInitiatedSSO="yes"/>')).toBe('individual');
  });

  it('reads the host group account, the ticket lifetime (element or flags attribute) and field sync', () => {
    const [app] = parseApplicationsXml(
      appsFile(
        '    <windowsAccount> CORP\\Host </windowsAccount>',
        '    <field ordinal="1" label="Password" masked="yes" sync="yes"/>',
        '    <field ordinal="0" label="User Id"/>',
        '    <appTicketTimeout>30</appTicketTimeout>',
      ),
      'apps.xml',
    );
    expect(app).toMatchObject({
      windowsAccount: 'CORP\\Host',
      ticketTimeoutMinutes: 30,
      fields: [
        { ordinal: 0, label: 'User Id', masked: false, sync: false },
        { ordinal: 1, label: 'Password', masked: true, sync: true },
      ],
    });
    const [onFlags] = parseApplicationsXml(appsFile('    <flags appTicketTimeout="45"/>'), 'apps.xml');
    expect(onFlags?.ticketTimeoutMinutes).toBe(45);
  });

  it('trims indentation around values but keeps white space written as references, CDATA and entities', () => {
    const [app] = parseApplicationsXml(
      appsFile('    <description>', '      &#x20;Pay &amp; <![CDATA[<roll> &amp;]]>&#x20;', '    </description>', '    <contact/>'),
      'apps.xml',
    );
    expect(app?.description).toBe(' Pay & <roll> &amp; ');
    expect(app?.contact).toBe('');
  });

  it('accepts an XML declaration, a byte order mark, comments and CRLF line ends', () => {
    const text = `\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<!-- exported -->\r\n${PAYROLL_HOST.replaceAll('\n', '\r\n')}`;
    expect(parseApplicationsXml(text, 'apps.xml')).toStrictEqual([PAYROLL_HOST_DEFINITION]);
  });

  it('reads an empty <sso> as no applications', () => {
    expect(parseApplicationsXml('<sso/>', 'apps.xml')).toEqual([]);
  });
});

describe('parseApplicationsXml errors name the line and the fix', () => {
  it('a document that is not well-formed, with line and column', () => {
    expect(xmlInvalid(() => parseApplicationsXml(PAYROLL_HOST.replace('  </application>\n', ''), 'apps.xml'))).toBe(
      'apps.xml line 10, column 1: the XML is not well-formed: expected </application> (opened on line 2) but found </sso>: close every element before the one around it',
    );
    expect(xmlInvalid(() => parseApplicationsXml('<sso>\n  <application name="A">\n    <description>a & b</description>', 'apps.xml'))).toBe(
      'apps.xml line 3, column 20: the XML is not well-formed: a "&" that starts no entity: write a literal & as &amp;',
    );
    expect(xmlInvalid(() => parseApplicationsXml('<sso>\n  <application name="A">\n', 'apps.xml'))).toBe(
      'apps.xml line 3: the XML is not well-formed: the file ends before <sso>, <application> are closed: add </application></sso> at the end',
    );
    expect(xmlInvalid(() => parseApplicationsXml('<sso/>\n<application name="A">\n  <field/>', 'apps.xml'))).toBe(
      'apps.xml line 2, column 1: the XML is not well-formed: <application> is never closed: add </application> where it ends',
    );
    expect(xmlInvalid(() => parseApplicationsXml('', 'apps.xml'))).toBe(
      'apps.xml line 1: the XML is not well-formed: the file holds no element: an ENTSSO file is <sso>…</sso>',
    );
  });

  it('a <field> without ordinal', () => {
    expect(appError('    <description>x</description>', '    <field label="User Id" masked="no"/>')).toBe(
      'apps.xml line 4: <field> needs an ordinal attribute (a whole number; 0 is the external user id)',
    );
  });

  it('an ordinal that is not a whole number', () => {
    expect(appError('    <field ordinal="-1" label="User Id"/>')).toBe(
      'apps.xml line 3: ordinal="-1" is not a whole number: number the fields 0 (the external user id), 1, 2 and so on',
    );
  });

  it('an unknown flag, with the closest known one', () => {
    expect(appError('    <field ordinal="0" label="Id"/>', '    <flags allowTicket="yes"/>')).toBe(
      'apps.xml line 4: unknown flag "allowTicket" (did you mean allowTickets?): the known flags are enableApp, groupApp, configStoreApp, ' +
        'hostInitiatedSSO, windowsInitiatedSSO, validatePassword, allowTickets, validateTickets, timeoutTickets, allowLocalAccounts, ' +
        'adminAccountSame, disableCredCache (each yes or no), and appTicketTimeout (minutes)',
    );
  });

  it('an attribute error on the line where the attribute is, in a tag over several lines', () => {
    expect(appError('    <flags', '      groupApp="no"', '      allowTickets="sometimes"', '    />')).toBe(
      'apps.xml line 5: allowTickets="sometimes" is not yes or no: write yes or no (true/false and 1/0 work too)',
    );
  });

  it('an unknown element, listing the known ones', () => {
    expect(appError('    <descripton>x</descripton>')).toBe(
      'apps.xml line 3: unknown element <descripton> in <application> (did you mean <description>?): the known elements are <description>, ' +
        '<contact>, <appUserAccount>, <appAdminAccount>, <windowsAccount>, <field>, <flags>, <appTicketTimeout>',
    );
    expect(xmlInvalid(() => parseApplicationsXml('<sso>\n  <mapping/>\n</sso>', 'apps.xml'))).toBe(
      'apps.xml line 2: unknown element <mapping> in <sso>: the known elements are <application>',
    );
  });

  it('an unknown attribute', () => {
    expect(appError('    <field ordinal="0" lable="Id"/>')).toBe(
      'apps.xml line 3: unknown attribute "lable" on <field> (did you mean label?): the known attributes are ordinal, label, masked, sync',
    );
    expect(appError('    <description lang="en">x</description>')).toBe('apps.xml line 3: <description> takes no attributes: remove lang="en"');
  });

  it('duplicate field ordinals', () => {
    expect(appError('    <field ordinal="0" label="Id"/>', '    <field ordinal="1" label="A"/>', '    <field ordinal="1" label="B"/>')).toBe(
      'apps.xml line 5: field ordinal 1 is given twice (first on line 4): give each field its own ordinal',
    );
  });

  it('ordinals that are not 0..n-1', () => {
    expect(appError('    <field ordinal="0" label="Id"/>', '    <field ordinal="2" label="Password"/>')).toBe(
      'apps.xml line 4: field ordinal 2 is out of range: PayrollHost has 2 fields, so number them 0 to 1 without gaps (0 is the external user id)',
    );
    expect(appError('    <field ordinal="1" label="Password"/>')).toBe(
      'apps.xml line 3: field ordinal 1 is out of range: PayrollHost has 1 field, so its ordinal is 0 (0 is the external user id)',
    );
  });

  it('a missing or empty application name', () => {
    const text = '<sso>\n  <application>\n    <field ordinal="0" label="Id"/>\n  </application>\n</sso>';
    const message = 'apps.xml line 2: <application> needs a name attribute, e.g. <application name="PayrollHost">';
    expect(xmlInvalid(() => parseApplicationsXml(text, 'apps.xml'))).toBe(message);
    expect(xmlInvalid(() => parseApplicationsXml(text.replace('<application>', '<application name="">'), 'apps.xml'))).toBe(message);
  });

  it('an application name with spaces', () => {
    expect(xmlInvalid(() => parseApplicationsXml('<sso>\n\n  <application name="Payroll  Host"/>\n</sso>', 'apps.xml'))).toBe(
      'apps.xml line 3: the application name "Payroll  Host" is not valid (it has two spaces in a row): use 1 to 64 characters without slashes or backslashes, and spaces only one at a time between words',
    );
  });

  it('two applications of the same name, compared without case', () => {
    expect(xmlInvalid(() => parseApplicationsXml('<sso>\n  <application name="Payroll"/>\n  <application name="PAYROLL"/>\n</sso>', 'apps.xml'))).toBe(
      'apps.xml line 3: application PAYROLL is defined twice (first on line 2; names are compared without case)',
    );
  });

  it('masked="yes" on field 0', () => {
    expect(appError('    <field ordinal="0" label="User Id" masked="yes"/>')).toBe(
      'apps.xml line 3: field 0 is the external user id and cannot be masked: write masked="no"',
    );
  });

  it('invalid yes/no values', () => {
    expect(appError('    <field ordinal="0" label="Id"/>', '    <field ordinal="1" label="Password" masked="maybe"/>')).toBe(
      'apps.xml line 4: masked="maybe" is not yes or no: write yes or no (true/false and 1/0 work too)',
    );
    expect(appError('    <flags groupApp="y"/>')).toBe('apps.xml line 3: groupApp="y" is not yes or no: write yes or no (true/false and 1/0 work too)');
  });

  it('an element given twice', () => {
    expect(appError('    <description>a</description>', '    <contact>x</contact>', '    <description>b</description>')).toBe(
      'apps.xml line 5: <description> is given twice in <application> (first on line 3): keep one',
    );
  });

  it('text where elements belong, and elements where text belongs', () => {
    expect(appError('    stray', '    <field ordinal="0" label="Id"/>')).toBe(
      'apps.xml line 2: <application> holds the text "stray", and only elements belong there',
    );
    expect(appError('    <description>Pay <b>roll</b></description>')).toBe('apps.xml line 3: <description> holds text only, not elements like <b>');
    expect(appError('    <field ordinal="0" label="Id">x</field>')).toBe(
      'apps.xml line 3: <field> holds the text "x", and takes attributes only: write <field …/>',
    );
  });

  it('conflicting type markers', () => {
    expect(appError('    <flags groupApp="yes" configStoreApp="yes"/>')).toBe(
      'apps.xml line 3: groupApp and configStoreApp are both yes: an application is a group application or a config store application, not both',
    );
    expect(appError('    <windowsAccount>CORP\\Host</windowsAccount>', '    <flags groupApp="yes"/>')).toBe(
      'apps.xml line 3: <windowsAccount> makes PayrollHost a host group application, but its flags say groupApp="yes": remove one of them',
    );
  });

  it('a host group account that is empty or lists several', () => {
    expect(appError('    <windowsAccount>CORP\\A;CORP\\B</windowsAccount>')).toBe(
      'apps.xml line 3: <windowsAccount> lists 2 accounts (CORP\\A, CORP\\B), and a host group application maps to exactly one',
    );
    expect(appError('    <windowsAccount/>')).toBe(
      'apps.xml line 3: <windowsAccount> is empty: name the one enterprise account every external user of a host group application maps to, e.g. CORP\\PayrollHost',
    );
  });

  it('a ticket lifetime out of range or given twice', () => {
    expect(appError('    <appTicketTimeout>0</appTicketTimeout>')).toBe(
      'apps.xml line 3: appTicketTimeout "0" is not a whole number of minutes from 1 to 525600',
    );
    expect(appError('    <flags appTicketTimeout="5"/>', '    <appTicketTimeout>5</appTicketTimeout>')).toBe(
      'apps.xml line 4: appTicketTimeout is given both here and on <flags> (line 3): keep one',
    );
  });

  it('a root other than <sso>, or two roots', () => {
    expect(xmlInvalid(() => parseApplicationsXml('<?xml version="1.0"?>\n<apps/>', 'apps.xml'))).toBe(
      "apps.xml line 2: the root element is <apps>, and an ENTSSO file's root is <sso>: wrap the content in <sso>…</sso>",
    );
    expect(xmlInvalid(() => parseApplicationsXml('<sso/>\n<sso/>', 'apps.xml'))).toBe(
      'apps.xml line 2: a second root element <sso> (the first is on line 1): an XML file has one root, <sso>',
    );
  });

  it('names JavaScript reserves (prototype pollution) and runaway nesting', () => {
    expect(appError('    <field ordinal="0"', '      __proto__="x" label="Id"/>')).toBe(
      'apps.xml line 4: "__proto__" is not a name ENTSSO files use, and is refused as an element or attribute name: remove it',
    );
    expect(appError('    <constructor/>')).toBe(
      'apps.xml line 3: "constructor" is not a name ENTSSO files use, and is refused as an element or attribute name: remove it',
    );
    expect(appError('    <toString/>')).toMatch(/^apps\.xml line 3: unknown element <toString> in <application>: /);
    expect(appError(`${'<a>'.repeat(150)}${'</a>'.repeat(150)}`)).toBe('apps.xml line 1: elements are nested more than 100 deep, which no ENTSSO file needs');
  });

  it('unknown entities and characters XML does not allow', () => {
    expect(appError('    <description>&nbsp;</description>')).toBe(
      'apps.xml line 3: in <description>: unknown entity &nbsp;: ENTSSO files use only &amp; &lt; &gt; &quot; &apos; and character references such as &#233;',
    );
    expect(appError('    <description>&#1;</description>')).toBe(
      'apps.xml line 3: in <description>: &#1; stands for U+0001 START OF HEADING, which XML does not allow',
    );
    expect(appError('    <description>a\u0001</description>')).toBe(
      'apps.xml line 3, column 19: character U+0001 START OF HEADING is not allowed in an XML file: remove it',
    );
  });
});

describe('DOCTYPEs and entity declarations', () => {
  const bomb = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE sso [',
    '  <!ENTITY a "aaaaaaaaaa">',
    '  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">',
    '  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">',
    '  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">',
    ']>',
    '<sso><application name="A"><description>&d;&d;&d;&d;&d;&d;</description></application></sso>',
  ].join('\n');
  const refusal =
    'the file has a DOCTYPE, which ENTSSO files never need; Tessera refuses DOCTYPEs and entity declarations ' +
    '(they can expand without limit or read other files): remove the <!DOCTYPE …> declaration';

  it('refuses a billion-laughs file before expanding anything', () => {
    expect(xmlInvalid(() => parseApplicationsXml(bomb, 'apps.xml'))).toBe(`apps.xml line 2, column 1: ${refusal}`);
  });

  it('refuses an external entity (XXE) in every kind of file', () => {
    const xxe = '<!DOCTYPE sso [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<sso><globalInfo><secretServer>&x;</secretServer></globalInfo></sso>';
    expect(xmlInvalid(() => parseGlobalInfoXml(xxe, 'global.xml'))).toBe(`global.xml line 1, column 1: ${refusal}`);
    expect(xmlInvalid(() => parseMappingsXml(xxe, 'maps.xml'))).toBe(`maps.xml line 1, column 1: ${refusal}`);
  });

  it('does not mistake a DOCTYPE inside a comment or CDATA for one', () => {
    const text = '<sso>\n  <!-- <!DOCTYPE x> -->\n  <application name="A"><description><![CDATA[<!DOCTYPE y>]]></description></application>\n</sso>';
    expect(parseApplicationsXml(text, 'apps.xml')[0]?.description).toBe('<!DOCTYPE y>');
  });
});

describe('applicationsToXml', () => {
  it('writes <sso>, two-space indent, every flag as yes/no', () => {
    expect(applicationsToXml([PAYROLL_HOST_DEFINITION])).toBe(`<sso>
  <application name="PayrollHost">
    <description>Mainframe payroll</description>
    <contact>ops@example.org</contact>
    <appUserAccount>CORP\\Payroll Users</appUserAccount>
    <appAdminAccount>CORP\\Payroll Admins</appAdminAccount>
    <field ordinal="0" label="Logon" masked="no"/>
    <field ordinal="1" label="Passphrase" masked="yes"/>
    <flags enableApp="no" groupApp="no" configStoreApp="no" hostInitiatedSSO="no" windowsInitiatedSSO="yes" validatePassword="yes" allowTickets="yes" validateTickets="yes" timeoutTickets="yes" allowLocalAccounts="no" adminAccountSame="no" disableCredCache="no"/>
  </application>
</sso>
`);
  });

  it('escapes text and attributes', () => {
    const xml = applicationsToXml([{ ...PAYROLL_HOST_DEFINITION, name: 'A&B"<x>', description: ' a < b & "c" ', ticketTimeoutMinutes: 5 }]);
    expect(xml).toContain('<application name="A&amp;B&quot;&lt;x&gt;">');
    expect(xml).toContain('<description>&#x20;a &lt; b &amp; "c"&#x20;</description>');
    expect(xml).toContain('<appTicketTimeout>5</appTicketTimeout>');
  });

  it('refuses what would not read back the same', () => {
    const refused = (change: Partial<ApplicationDefinition>) => xmlInvalid(() => applicationsToXml([{ ...PAYROLL_HOST_DEFINITION, ...change }]));
    expect(refused({ name: 'Payroll/Host' })).toBe(
      'cannot export application "Payroll/Host": the application name "Payroll/Host" is not valid (it has a slash or backslash): use 1 to 64 characters without slashes or backslashes, and spaces only one at a time between words',
    );
    expect(refused({ userAccounts: ['CORP\\a;b'] })).toBe(
      'cannot export application "PayrollHost": the account "CORP\\a;b" has a ";" or ",", which separate accounts in ENTSSO files',
    );
    expect(refused({ type: 'group' })).toBe('cannot export application "PayrollHost": groupApp must be yes for a group application');
    expect(refused({ type: 'hostGroup' })).toBe('cannot export application "PayrollHost": a host group application needs its windowsAccount');
    expect(refused({ fields: [{ ordinal: 1, label: 'x', masked: false, sync: false }] })).toBe(
      'cannot export application "PayrollHost": its fields must be numbered 0 to 0 without gaps or repeats (got 1)',
    );
    expect(refused({ description: 'bell\u0007' })).toBe(
      'cannot export application "PayrollHost": <description> has U+0007 BELL at character 5, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it',
    );
    expect(xmlInvalid(() => applicationsToXml([PAYROLL_HOST_DEFINITION, { ...PAYROLL_HOST_DEFINITION, name: 'payrollhost' }]))).toBe(
      'cannot export application payrollhost: another application has the same name (names are compared without case)',
    );
  });
});

describe('mappings', () => {
  const file = `<sso>
  <mapping>
    <windowsDomain>CORP</windowsDomain>
    <windowsUserId>jsmith</windowsUserId>
    <externalApplication>PayrollHost</externalApplication>
    <externalUserId>JSMITH01</externalUserId>
  </mapping>
  <Mapping>
    <WindowsDomain>CORP</WindowsDomain>
    <windowsuserid>a.b</windowsuserid>
    <externalApplication>PayrollHost</externalApplication>
    <externalUserId>AB &amp; co</externalUserId>
  </Mapping>
</sso>
`;
  const definitions: MappingDefinition[] = [
    { account: 'CORP\\jsmith', application: 'PayrollHost', externalUser: 'JSMITH01' },
    { account: 'CORP\\a.b', application: 'PayrollHost', externalUser: 'AB & co' },
  ];

  it('parses DOMAIN\\user, application and external user', () => {
    expect(parseMappingsXml(file, 'maps.xml')).toStrictEqual(definitions);
  });

  it('exports the same format', () => {
    const canonical = file.replaceAll('Mapping>', 'mapping>').replaceAll('WindowsDomain>', 'windowsDomain>').replaceAll('windowsuserid>', 'windowsUserId>');
    expect(mappingsToXml(definitions)).toBe(canonical);
  });

  it('names the line of what is missing or wrong', () => {
    const broken = (from: string, to: string) => xmlInvalid(() => parseMappingsXml(file.replace(from, to), 'maps.xml'));
    expect(broken('    <windowsUserId>jsmith</windowsUserId>\n', '')).toBe(
      "maps.xml line 2: <mapping> needs a non-empty <windowsUserId>: the Windows account's user name, e.g. jsmith",
    );
    expect(broken('<externalUserId>JSMITH01</externalUserId>', '<externalUserId> </externalUserId>')).toBe(
      'maps.xml line 6: <mapping> needs a non-empty <externalUserId>: the user id in the external system',
    );
    expect(broken('<windowsDomain>CORP</windowsDomain>', '<windowsDomain>CORP\\x</windowsDomain>')).toBe(
      'maps.xml line 3: <windowsDomain> "CORP\\x" has a backslash: give the domain alone (e.g. CORP) and the user in <windowsUserId>',
    );
    expect(broken('<externalApplication>PayrollHost</externalApplication>', '<externalApplication> Payroll\u00a0Host</externalApplication>')).toBe(
      'maps.xml line 5: the application name "Payroll\u00a0Host" is not valid (it has white space other than a plain space): use 1 to 64 characters without slashes or backslashes, and spaces only one at a time between words',
    );
    expect(broken('<externalUserId>JSMITH01', '<externalUser>JSMITH01</externalUser>\n<externalUserId>JSMITH01')).toBe(
      'maps.xml line 6: unknown element <externalUser> in <mapping> (did you mean <externalUserId>?): the known elements are ' +
        '<windowsDomain>, <windowsUserId>, <externalApplication>, <externalUserId>',
    );
  });

  it('refuses to export an account that is not DOMAIN\\user', () => {
    expect(xmlInvalid(() => mappingsToXml([{ account: 'jsmith@corp.example', application: 'PayrollHost', externalUser: 'J' }]))).toBe(
      'cannot export the mapping of jsmith@corp.example to PayrollHost: ENTSSO mapping files name the enterprise account as DOMAIN\\user (windowsDomain and windowsUserId)',
    );
  });
});

describe('global info', () => {
  const file = `<sso>
  <globalInfo>
    <ssoAdminAccount>CORP\\SSO Admins</ssoAdminAccount>
    <ssoAffiliateAdminAccount>CORP\\Affiliate Admins;CORP\\Integration</ssoAffiliateAdminAccount>
    <secretServer>SSO01.corp.example</secretServer>
    <auditDeletedApps>1000</auditDeletedApps>
    <auditDeletedMappings>500</auditDeletedMappings>
    <auditCredentialLookups>0</auditCredentialLookups>
    <ticketTimeout>2</ticketTimeout>
    <credCacheTimeout>60</credCacheTimeout>
  </globalInfo>
</sso>
`;
  const info: Partial<GlobalInfo> = {
    ssoAdminAccounts: ['CORP\\SSO Admins'],
    affiliateAdminAccounts: ['CORP\\Affiliate Admins', 'CORP\\Integration'],
    secretServer: 'SSO01.corp.example',
    auditDeletedApps: 1000,
    auditDeletedMappings: 500,
    auditCredentialLookups: 0,
    ticketTimeoutMinutes: 2,
    credCacheTimeoutMinutes: 60,
  };

  it('parses every element, and <globalnfo> too', () => {
    expect(parseGlobalInfoXml(file, 'global.xml')).toStrictEqual(info);
    expect(parseGlobalInfoXml(file.replaceAll('globalInfo>', 'globalnfo>'), 'global.xml')).toStrictEqual(info);
  });

  it('returns only what the file holds (ssomanage -updatedb with just <secretServer>)', () => {
    expect(parseGlobalInfoXml('<SSO><globalInfo><secretServer>SSO02</secretServer></globalInfo></SSO>', 'global.xml')).toStrictEqual({ secretServer: 'SSO02' });
  });

  it('exports the same format', () => {
    expect(globalInfoToXml(info)).toBe(
      file.replace(
        'CORP\\Affiliate Admins;CORP\\Integration</ssoAffiliateAdminAccount>',
        'CORP\\Affiliate Admins</ssoAffiliateAdminAccount>\n    <ssoAffiliateAdminAccount>CORP\\Integration</ssoAffiliateAdminAccount>',
      ),
    );
  });

  it('writes and reads the ticket switches and empty account lists', () => {
    const switches: Partial<GlobalInfo> = { ssoAdminAccounts: [], ticketsAllowed: true, ticketsValidate: false };
    const xml = globalInfoToXml(switches);
    expect(xml).toBe(
      '<sso>\n  <globalInfo>\n    <ssoAdminAccount/>\n    <allowTickets>yes</allowTickets>\n    <validateTickets>no</validateTickets>\n  </globalInfo>\n</sso>\n',
    );
    expect(parseGlobalInfoXml(xml, 'global.xml')).toStrictEqual(switches);
  });

  it('names the line of what is wrong', () => {
    const broken = (from: string, to: string) => xmlInvalid(() => parseGlobalInfoXml(file.replace(from, to), 'global.xml'));
    expect(broken('<ticketTimeout>2<', '<ticketTimeout>0<')).toBe('global.xml line 9: ticketTimeout "0" is not a whole number from 1 to 525600');
    expect(broken('<auditDeletedApps>1000<', '<auditDeletedApps>lots<')).toBe('global.xml line 6: auditDeletedApps "lots" is not a whole number');
    expect(broken('<secretServer>', '<secretserver>SSO02</secretserver>\n    <secretServer>')).toBe(
      'global.xml line 6: <secretServer> is given twice in <globalInfo> (first on line 5): keep one',
    );
    expect(broken('<credCacheTimeout>', '<credCache>')).toBe(
      'global.xml line 10, column 18: the XML is not well-formed: expected </credCache> (opened on line 10) but found </credCacheTimeout>: close every element before the one around it',
    );
    expect(xmlInvalid(() => parseGlobalInfoXml('<sso>\n</sso>', 'global.xml'))).toBe(
      'global.xml line 1: <sso> holds no <globalInfo>: put the settings in <globalInfo>…</globalInfo>',
    );
    expect(xmlInvalid(() => parseGlobalInfoXml('<sso><globalInfo><allowTickets>sure</allowTickets></globalInfo></sso>', 'global.xml'))).toBe(
      'global.xml line 1: <allowTickets> holds "sure", which is not yes or no: write yes or no (true/false and 1/0 work too)',
    );
  });
});

describe('export then import is lossless', () => {
  // Every character XML can carry, with the ones that need escaping (and backslashes) made likely.
  const special = fc.constantFrom('&', '<', '>', '"', "'", '\\', ' ', '\t', '\n', '\r', ']]>', '&amp;', '&#x20;', 'é', '€', '😀', '中', '\u00a0', '\u2028');
  const anyLegal = fc
    .integer({ min: 0x20, max: 0x10ffff })
    .filter((cp) => (cp < 0xd800 || cp > 0xdfff) && cp !== 0xfffe && cp !== 0xffff)
    .map((cp) => String.fromCodePoint(cp));
  const char = fc.oneof(special, anyLegal, fc.constantFrom(...'aZ09.-_@'));
  // Only what the vault accepts (text-rules.ts): the exporter refuses the rest, as the next suite shows.
  const text = fc.string({ unit: char, maxLength: 12 }).filter((value) => textProblem(value, 'text') === undefined);
  const nonEmpty = fc.string({ unit: char, minLength: 1, maxLength: 12 }).filter((value) => textProblem(value, 'name') === undefined);
  // What the vault takes as an application name (application-rules.ts): spaces one at a time between words.
  const name = nonEmpty.filter((value) => !/[\\/]|^ | $| {2}|[^\S ]/u.test(value));
  const account = fc
    .tuple(fc.string({ unit: char, maxLength: 6 }), fc.string({ unit: char, maxLength: 6 }))
    .map(([domain, user]) => `${domain}\\${user}`)
    .filter((value) => value.trim() === value && !/[;,]/.test(value) && textProblem(value, 'name') === undefined);
  const flagNames = Object.keys(DEFAULT_FLAGS) as Array<keyof ApplicationFlags>;
  const flags = fc.record(Object.fromEntries(flagNames.map((flag) => [flag, fc.boolean()])) as Record<keyof ApplicationFlags, fc.Arbitrary<boolean>>);

  const application: fc.Arbitrary<ApplicationDefinition> = fc
    .record({
      name,
      type: fc.constantFrom('individual', 'group', 'hostGroup', 'configStore' as const),
      description: text,
      contact: text,
      userAccounts: fc.array(account, { maxLength: 3 }),
      adminAccounts: fc.array(account, { maxLength: 3 }),
      windowsAccount: account,
      fields: fc.array(fc.record({ label: nonEmpty, masked: fc.boolean(), sync: fc.boolean() }), { maxLength: 4 }),
      flags,
      ticketTimeoutMinutes: fc.option(fc.integer({ min: 1, max: 525_600 }), { nil: null }),
    })
    .map((app) => ({
      ...app,
      windowsAccount: app.type === 'hostGroup' ? app.windowsAccount : null,
      fields: app.fields.map((field, ordinal) => ({ ordinal, ...field, masked: ordinal > 0 && field.masked })),
      flags: {
        ...app.flags,
        groupApp: app.type === 'group',
        configStoreApp: app.type === 'configStore',
        // What the vault holds: group applications are Windows-initiated, host group ones host-initiated.
        hostInitiatedSSO: app.type === 'hostGroup' || (app.type !== 'group' && app.flags.hostInitiatedSSO),
      },
    }));

  it('for applications', () => {
    fc.assert(
      fc.property(fc.uniqueArray(application, { selector: (app) => app.name.toLowerCase(), maxLength: 4 }), (definitions) => {
        expect(parseApplicationsXml(applicationsToXml(definitions), 'apps.xml')).toStrictEqual(definitions);
      }),
      { numRuns: 300 },
    );
  });

  it('for mappings', () => {
    const mapping: fc.Arbitrary<MappingDefinition> = fc.record({
      account: fc
        .tuple(
          nonEmpty.filter((domain) => !domain.includes('\\')),
          nonEmpty,
        )
        .map(([domain, user]) => `${domain}\\${user}`),
      application: name,
      externalUser: nonEmpty,
    });
    fc.assert(
      fc.property(fc.array(mapping, { maxLength: 5 }), (definitions) => {
        expect(parseMappingsXml(mappingsToXml(definitions), 'maps.xml')).toStrictEqual(definitions.map((mapping) => ({ ...mapping })));
      }),
      { numRuns: 300 },
    );
  });

  it('for global info', () => {
    const whole = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const globalInfo: fc.Arbitrary<Partial<GlobalInfo>> = fc.record(
      {
        ssoAdminAccounts: fc.array(account, { maxLength: 3 }),
        affiliateAdminAccounts: fc.array(account, { maxLength: 3 }),
        ticketsAllowed: fc.boolean(),
        ticketsValidate: fc.boolean(),
        ticketTimeoutMinutes: fc.integer({ min: 1, max: 525_600 }),
        credCacheTimeoutMinutes: whole,
        secretServer: text.filter((value) => textProblem(value, 'name') === undefined),
        auditDeletedApps: whole,
        auditDeletedMappings: whole,
        auditCredentialLookups: whole,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(globalInfo, (info) => {
        expect(parseGlobalInfoXml(globalInfoToXml(info), 'global.xml')).toStrictEqual({ ...info });
      }),
      { numRuns: 300 },
    );
  });
});
