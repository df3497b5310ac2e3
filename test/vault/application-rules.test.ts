/**
 * The rules an affiliate application's definition must follow (vault/application-rules.ts), one
 * by one and at their limits: names, texts, flags against the type, fields, accounts (syntax and
 * the built-in deny-list) and ticket lifetimes.
 */
import { describe, expect, it } from 'vitest';
import {
  type ApplicationInput,
  DEFAULT_FLAGS,
  IMMUTABLE_FLAGS,
  LIMITS,
  checkAccount,
  checkApplicationName,
  checkNewApplication,
  checkText,
  checkTicketTimeout,
  sameAccount,
} from '../../src/vault/index.js';
import { appInput } from '../service/vault-harness.js';
import { outcome } from '../support/outcome.js';

const input = (overrides: Partial<ApplicationInput> = {}): ApplicationInput => appInput('Payroll', overrides);
const flags = (changes: Partial<ApplicationInput['flags']>, type: ApplicationInput['type'] = 'individual') => ({ ...input({ type }).flags, ...changes });
const fields = (count: number) => Array.from({ length: count }, (_, ordinal) => ({ ordinal, label: `Field ${ordinal}`, masked: ordinal > 0, sync: false }));

describe('application names', () => {
  it.each(['P', 'x'.repeat(64), 'Payroll-2026_v1.0', 'Zahlungsverkehr', 'TIBCO EMS App'])('accept %j', (name) => {
    expect(outcome(() => checkApplicationName(name))).toBe('ok');
  });

  it.each([
    ['Pay/roll', 'it has a slash or backslash'],
    ['Pay\\roll', 'it has a slash or backslash'],
    [' Payroll', 'it starts or ends with a space'],
    ['Payroll ', 'it starts or ends with a space'],
    ['Pay  roll', 'it has two spaces in a row'],
    ['Pay\u00a0roll', 'it has white space other than a plain space'],
    ['Pay\u3000roll', 'it has white space other than a plain space'],
  ])('refuse %j, saying why and what a name may be', (name, why) => {
    expect(outcome(() => checkApplicationName(name))).toBe(
      `APP_NAME_INVALID: "${name}" is not a valid application name (${why}): use 1 to 64 characters without slashes or backslashes, and spaces only one at a time between words`,
    );
  });

  it('refuse letters that show as blank space, so "TIBCO\u3164App" cannot pass for "TIBCO App"', () => {
    expect(outcome(() => checkApplicationName('TIBCO\u3164App'))).toBe(
      'TEXT_INVALID: the application name "TIBCO\u3164App" has U+3164 at character 6, which is not allowed: it shows as blank space, so different names look the same; remove it',
    );
  });

  it.each([
    ['', 0],
    ['x'.repeat(65), 65],
  ])('refuse %j by its length, without quoting it', (name, length) => {
    expect(outcome(() => checkApplicationName(name))).toBe(
      `APP_NAME_INVALID: an application name of ${length} characters is not valid: use 1 to 64 characters without slashes or backslashes, and spaces only one at a time between words`,
    );
  });

  it.each([
    ['Pay\troll', 'U+0009 CHARACTER TABULATION at character 4'],
    ['Payroll\n', 'U+000A LINE FEED at character 8'],
    ['Pay\u0007roll', 'U+0007 BELL at character 4'],
    ['Pay\u001froll', 'U+001F INFORMATION SEPARATOR ONE at character 4'],
  ])('refuse %j, naming the control character', (name, found) => {
    expect(outcome(() => checkApplicationName(name))).toBe(
      `TEXT_INVALID: the application name "${name}" has ${found}, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it`,
    );
  });
});

describe('a new application', () => {
  it('is created disabled, whatever its flags said, and otherwise as given', () => {
    const given = input({ flags: flags({ enableApp: true }) });
    expect(checkNewApplication(given)).toEqual({ ...given, flags: { ...given.flags, enableApp: false } });
    expect(given.flags.enableApp).toBe(true); // the input is not changed
  });

  it('has defaults that allow nothing: disabled, no tickets, Windows-initiated only', () => {
    expect(DEFAULT_FLAGS).toEqual({
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
    });
    expect(Object.isFrozen(DEFAULT_FLAGS)).toBe(true);
    expect(IMMUTABLE_FLAGS).toEqual(['groupApp', 'configStoreApp', 'adminAccountSame']);
    expect(LIMITS).toEqual({
      nameLength: 64,
      textLength: 256,
      fields: 32,
      labelLength: 128,
      valueBytes: 4096,
      accountLength: 512,
      externalUserLength: 256,
      identifierLength: 256,
      ticketMinutes: { min: 1, max: 525_600 },
    });
  });

  it('checks its name, description and contact', () => {
    expect(outcome(() => checkNewApplication(input({ name: 'Pay/roll' })))).toMatch(/^APP_NAME_INVALID: /);
    expect(outcome(() => checkNewApplication(input({ description: 'd'.repeat(256), contact: 'c'.repeat(256) })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ description: 'd'.repeat(257) })))).toBe(
      'FIELD_TOO_LONG: the description has 257 characters and may have at most 256',
    );
    expect(outcome(() => checkNewApplication(input({ contact: 'c'.repeat(257) })))).toBe(
      'FIELD_TOO_LONG: the contact has 257 characters and may have at most 256',
    );
    expect(outcome(() => checkText('label', 'x'.repeat(257)))).toBe('FIELD_TOO_LONG: the label has 257 characters and may have at most 256');
    expect(outcome(() => checkText('label', ''))).toBe('ok');
  });

  it.each([
    ['an individual application with groupApp', input({ flags: flags({ groupApp: true }) }), 'groupApp must be no for an individual application'],
    [
      'a group application without groupApp',
      input({ type: 'group', flags: flags({ groupApp: false }, 'group') }),
      'groupApp must be yes for a group application',
    ],
    [
      'an individual application with configStoreApp',
      input({ flags: flags({ configStoreApp: true }) }),
      'configStoreApp must be no for an individual application',
    ],
    [
      'a config store without configStoreApp',
      input({ type: 'configStore', flags: flags({ configStoreApp: false }, 'configStore') }),
      'configStoreApp must be yes for a config store application',
    ],
    [
      'a host-initiated group application',
      input({ type: 'group', flags: flags({ hostInitiatedSSO: true }, 'group') }),
      'group applications are Windows-initiated only (hostInitiatedSSO must be no)',
    ],
    [
      'a host group that is not host-initiated',
      input({ type: 'hostGroup', windowsAccount: 'CORP\\svc', flags: flags({ hostInitiatedSSO: false }, 'hostGroup') }),
      'host group applications need hostInitiatedSSO=yes',
    ],
  ])('refuses flags that conflict: %s', (_what, app, problem) => {
    expect(outcome(() => checkNewApplication(app))).toBe(`APP_INVALID_FLAGS: the flags of ${app.name} conflict: ${problem}`);
  });

  it('lists every flag conflict at once, and accepts the combinations each type needs', () => {
    expect(outcome(() => checkNewApplication(input({ flags: flags({ groupApp: true, configStoreApp: true }) })))).toBe(
      'APP_INVALID_FLAGS: the flags of Payroll conflict: groupApp must be no for an individual application; configStoreApp must be no for an individual application',
    );
    expect(outcome(() => checkNewApplication(input({ flags: flags({ allowTickets: true, validateTickets: true }) })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ type: 'group' })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ type: 'configStore' })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ type: 'hostGroup', windowsAccount: 'CORP\\svc-mainframe' })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ flags: flags({ hostInitiatedSSO: true }) })))).toBe('ok');
  });

  it('needs fields numbered 0 to n-1, at most 32, labelled, and field 0 in clear', () => {
    expect(outcome(() => checkNewApplication(input({ fields: [] })))).toBe('APP_INCOMPLETE_FIELDS: Payroll needs at least field 0 (the external user id)');
    expect(outcome(() => checkNewApplication(input({ type: 'configStore', fields: [] })))).toBe(
      'APP_INCOMPLETE_FIELDS: Payroll needs at least field 0 (the external user id or first config field)',
    );
    expect(outcome(() => checkNewApplication(input({ fields: fields(1) })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ fields: fields(32) })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ fields: fields(33) })))).toBe('APP_INVALID: Payroll has 33 fields; at most 32 are allowed');
    expect(outcome(() => checkNewApplication(input({ fields: fields(3).reverse() })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ fields: fields(3).filter((f) => f.ordinal !== 1) })))).toBe(
      'APP_INCOMPLETE_FIELDS: the fields of Payroll must be numbered 0 to 1 without gaps or repeats (got 0, 2)',
    );
    expect(outcome(() => checkNewApplication(input({ fields: [...fields(2), { ...fields(2)[1]!, label: 'Again' }] })))).toBe(
      'APP_INCOMPLETE_FIELDS: the fields of Payroll must be numbered 0 to 2 without gaps or repeats (got 0, 1, 1)',
    );
    expect(outcome(() => checkNewApplication(input({ fields: fields(2).map((f) => ({ ...f, ordinal: f.ordinal + 1 })) })))).toMatch(
      /^APP_INCOMPLETE_FIELDS: .*\(got 1, 2\)$/,
    );
    // Sorted as numbers: 10 comes after 9, not after 1.
    expect(outcome(() => checkNewApplication(input({ fields: fields(11) })))).toBe('ok');
  });

  it.each([
    ['an empty label', ''],
    ['a blank label', '   '],
    ['a label of 129 characters', 'l'.repeat(129)],
  ])('refuses a field with %s', (_what, label) => {
    const app = input({ fields: [fields(2)[0]!, { ...fields(2)[1]!, label }] });
    expect(outcome(() => checkNewApplication(app))).toBe('APP_INVALID: field 1 of Payroll needs a label of 1 to 128 characters');
  });

  it('accepts a label of 128 characters, and refuses a masked external user id', () => {
    expect(outcome(() => checkNewApplication(input({ fields: [fields(2)[0]!, { ...fields(2)[1]!, label: 'l'.repeat(128) }] })))).toBe('ok');
    expect(outcome(() => checkNewApplication(input({ fields: [{ ...fields(1)[0]!, masked: true }] })))).toBe(
      'APP_INVALID: field 0 of Payroll (the external user id) cannot be masked',
    );
  });

  it('checks every user and administrator account', () => {
    expect(outcome(() => checkNewApplication(input({ userAccounts: ['CORP\\ok', 'Everyone'] })))).toMatch(/^ACCOUNT_INVALID: Everyone is a built-in account/);
    expect(outcome(() => checkNewApplication(input({ adminAccounts: ['CORP\\ok', 'nobody'] })))).toMatch(/^ACCOUNT_INVALID: "nobody" is not an account name/);
    expect(outcome(() => checkNewApplication(input({ userAccounts: [], adminAccounts: [] })))).toBe('ok');
  });

  it('gives a host group exactly one valid windowsAccount, and no other type any', () => {
    const host = (windowsAccount: string | null) => input({ type: 'hostGroup', windowsAccount });
    expect(outcome(() => checkNewApplication(host(null)))).toBe(
      'APP_INVALID: host group application Payroll needs exactly one windowsAccount: the enterprise account every external user maps to',
    );
    expect(outcome(() => checkNewApplication(host('')))).toMatch(/^APP_INVALID: host group application Payroll needs exactly one windowsAccount/);
    expect(outcome(() => checkNewApplication(host('BUILTIN\\Users')))).toMatch(/^ACCOUNT_INVALID: BUILTIN\\Users is a built-in account/);
    expect(outcome(() => checkNewApplication(input({ windowsAccount: 'CORP\\svc' })))).toBe(
      'APP_INVALID: only host group applications have a windowsAccount; Payroll is of type individual',
    );
  });

  it('checks its ticket lifetime', () => {
    expect(outcome(() => checkNewApplication(input({ ticketTimeoutMinutes: 0 })))).toMatch(/^TICKET_TIMEOUT_INVALID: /);
    expect(outcome(() => checkNewApplication(input({ ticketTimeoutMinutes: 30 })))).toBe('ok');
  });
});

describe('ticket lifetimes', () => {
  it.each([null, 1, 2, 60, 525_599, 525_600])('accept %j minutes', (minutes) => {
    expect(outcome(() => checkTicketTimeout(minutes))).toBe('ok');
  });

  it.each([0, -1, -525_600, 1.5, 0.5, Number.NaN, 525_601, Number.POSITIVE_INFINITY, 2 ** 53])('refuse %j minutes', (minutes) => {
    expect(outcome(() => checkTicketTimeout(minutes))).toBe(
      `TICKET_TIMEOUT_INVALID: a ticket lifetime must be a whole number of minutes from 1 to 525600, not ${minutes}`,
    );
  });
});

describe('account names', () => {
  it.each([
    'CORP\\bob',
    'CORP\\Payroll Users',
    'corp.example\\bob',
    'bob@corp.example',
    'CORP\\everyone',
    'EVERYONE-INC\\bob',
    'BUILTINS\\bob',
    'builtin@corp.example',
  ])('accept %j', (account) => {
    expect(outcome(() => checkAccount(account))).toBe('ok');
  });

  it.each([
    'Everyone',
    'EVERYONE',
    'everyone',
    'Authenticated Users',
    'NT AUTHORITY\\Authenticated Users',
    'nt authority\\authenticated users',
    'NT AUTHORITY\\SYSTEM',
    'BUILTIN\\Users',
    'builtin\\Administrators',
    'BUILTIN\\',
  ])('refuse the built-in account %j', (account) => {
    expect(outcome(() => checkAccount(account))).toBe(`ACCOUNT_INVALID: ${account} is a built-in account; name a domain group or user instead`);
  });

  it.each(['', 'bob', '\\bob', 'CORP\\', 'CORP\\bob\\x', 'a\\b@c', '@corp', 'bob@', 'a@b@c', ' CORP\\bob', 'bob smith@corp', 'bob@corp example'])(
    'refuse %j, which is neither DOMAIN\\name nor name@domain',
    (account) => {
      expect(outcome(() => checkAccount(account))).toBe(`ACCOUNT_INVALID: "${account}" is not an account name: write DOMAIN\\name or name@domain`);
    },
  );

  it('refuse an account with a control character, naming it', () => {
    expect(outcome(() => checkAccount('\tCORP\\bob'))).toBe(
      'TEXT_INVALID: the account name "\tCORP\\bob" has U+0009 CHARACTER TABULATION at character 1, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it',
    );
  });

  // Lower-casing folded the Kelvin sign U+212A into "k"; names now compare by a Windows-like key.
  it('are not the same as a look-alike (Kelvin sign for K)', () => {
    expect(sameAccount('CORP\\\u212Aate', 'CORP\\kate')).toBe(false);
  });

  it('are the same account whatever their case, and different otherwise', () => {
    expect(sameAccount('CORP\\bob', 'corp\\BOB')).toBe(true);
    expect(sameAccount('bob@CORP.example', 'BOB@corp.EXAMPLE')).toBe(true);
    expect(sameAccount('CORP\\bob', 'CORP\\bobby')).toBe(false);
    expect(sameAccount('CORP\\bob', 'OTHER\\bob')).toBe(false);
  });
});
