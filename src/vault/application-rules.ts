import { fail } from '../errors/index.js';
import type { ApplicationFlags, ApplicationRecord, ApplicationType, FieldDefinition } from '../store/vault-types.js';
import { nameKey, sameName } from './account-name.js';
import { checkFreeText, checkName } from './text-rules.js';

/** What a caller gives to create an application (the XML import produces the same shape). */
export type ApplicationInput = Omit<ApplicationRecord, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

/** Every maximum is documented in docs/names.md; lengths count UTF-16 units, as Windows does. */
export const LIMITS = Object.freeze({
  nameLength: 64,
  textLength: 256,
  /** `DOMAIN\\name` or `name@domain`: a domain's DNS name (253) and a user principal name fit. */
  accountLength: 512,
  externalUserLength: 256,
  /** A config store identifier (usually a GUID) and the secret server's name. */
  identifierLength: 256,
  fields: 32,
  labelLength: 128,
  /** Largest credential field or config value, in UTF-8 bytes. */
  valueBytes: 4096,
  ticketMinutes: { min: 1, max: 525_600 },
});

export const DEFAULT_FLAGS: Readonly<ApplicationFlags> = Object.freeze({
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

/**
 * The flags an application of `type` has when its definition states none: ENTSSO's defaults
 * (windowsInitiatedSSO, validatePassword and timeoutTickets yes, the others no), with the type's own flag set, and host-initiated SSO
 * for a host group application, which exists for it.
 */
export function defaultFlags(type: ApplicationType): ApplicationFlags {
  return { ...DEFAULT_FLAGS, groupApp: type === 'group', configStoreApp: type === 'configStore', hostInitiatedSSO: type === 'hostGroup' };
}

/** Each type as messages name it. */
export const TYPE_NAMES: Readonly<Record<ApplicationType, string>> = {
  individual: 'an individual application',
  group: 'a group application',
  hostGroup: 'a host group application',
  configStore: 'a config store application',
};

/** Flags fixed at creation, as in ENTSSO (10566). */
export const IMMUTABLE_FLAGS = ['groupApp', 'configStoreApp', 'adminAccountSame'] as const;

/** What an application name may be, as messages say it. */
export const APPLICATION_NAME_RULE = `use 1 to ${LIMITS.nameLength} characters without slashes or backslashes, and spaces only one at a time between words`;

/**
 * Why `name` cannot name an application, or undefined. Microsoft's pages name applications with
 * spaces ("TIBCO EMS App"), so a space between words is allowed; a space at either end, two in a
 * row or any other white space (a tab, a no-break space) would make names that look alike.
 */
export function applicationNameProblem(name: string): string | undefined {
  if (/[\\/]/.test(name)) return 'it has a slash or backslash';
  if (/^ | $/.test(name)) return 'it starts or ends with a space';
  if (/ {2}/.test(name)) return 'it has two spaces in a row';
  if (/[^\S ]/u.test(name)) return 'it has white space other than a plain space';
  return undefined;
}

export function checkApplicationName(name: string): void {
  if (name.length === 0 || name.length > LIMITS.nameLength) {
    throw fail('APP_NAME_INVALID', `an application name of ${name.length} characters is not valid: ${APPLICATION_NAME_RULE}`);
  }
  checkName('the application name', name, LIMITS.nameLength);
  const problem = applicationNameProblem(name);
  if (problem) throw fail('APP_NAME_INVALID', `"${name}" is not a valid application name (${problem}): ${APPLICATION_NAME_RULE}`);
}

/** Validates a new application's definition; returns it with the rules applied (created disabled). */
export function checkNewApplication(input: ApplicationInput): ApplicationInput {
  checkApplication(input);
  return { ...input, flags: { ...input.flags, enableApp: false } };
}

/**
 * Every rule an application's definition must keep, the same at creation and after each update,
 * so an update can never make what creation refuses.
 */
export function checkApplication(input: ApplicationInput): void {
  checkApplicationName(input.name);
  checkText('description', input.description);
  checkText('contact', input.contact);
  checkFlagsForType(input.name, input.type, input.flags);
  checkFields(input.name, input.fields, input.type);
  for (const account of [...input.userAccounts, ...input.adminAccounts]) checkAccount(account);
  if (input.type === 'hostGroup') {
    if (!input.windowsAccount)
      throw fail('APP_INVALID', `host group application ${input.name} needs exactly one windowsAccount: the enterprise account every external user maps to`);
    checkAccount(input.windowsAccount);
  } else if (input.windowsAccount) {
    throw fail('APP_INVALID', `only host group applications have a windowsAccount; ${input.name} is of type ${input.type}`);
  }
  checkTicketTimeout(input.ticketTimeoutMinutes);
}

/** A description or contact: at most LIMITS.textLength characters, nothing that changes how it is shown. */
export function checkText(what: string, value: string): void {
  checkFreeText(`the ${what}`, value, LIMITS.textLength);
}

/** Whether `text` is an account name the vault would take (for lists that drop what is not one). */
export function isAccountName(text: string): boolean {
  try {
    checkAccount(text);
    return true;
  } catch {
    return false;
  }
}

export function checkTicketTimeout(minutes: number | null): void {
  const { min, max } = LIMITS.ticketMinutes;
  if (minutes !== null && (!Number.isSafeInteger(minutes) || minutes < min || minutes > max)) {
    throw fail('TICKET_TIMEOUT_INVALID', `a ticket lifetime must be a whole number of minutes from ${min} to ${max}, not ${minutes}`);
  }
}

function checkFlagsForType(name: string, type: ApplicationType, flags: ApplicationFlags): void {
  const problems: string[] = [];
  if (flags.groupApp !== (type === 'group')) problems.push(`groupApp must be ${type === 'group' ? 'yes' : 'no'} for ${TYPE_NAMES[type]}`);
  if (flags.configStoreApp !== (type === 'configStore'))
    problems.push(`configStoreApp must be ${type === 'configStore' ? 'yes' : 'no'} for ${TYPE_NAMES[type]}`);
  if (type === 'group' && flags.hostInitiatedSSO) problems.push('group applications are Windows-initiated only (hostInitiatedSSO must be no)');
  if (type === 'hostGroup' && !flags.hostInitiatedSSO) problems.push('host group applications need hostInitiatedSSO=yes');
  // validateTickets without allowTickets is what ENTSSO's own samples write: it applies once tickets are allowed.
  if (problems.length > 0) throw fail('APP_INVALID_FLAGS', `the flags of ${name} conflict: ${problems.join('; ')}`);
}

function checkFields(name: string, fields: readonly FieldDefinition[], type: ApplicationType): void {
  if (fields.length === 0)
    throw fail('APP_INCOMPLETE_FIELDS', `${name} needs at least field 0 (the external user id${type === 'configStore' ? ' or first config field' : ''})`);
  if (fields.length > LIMITS.fields) throw fail('APP_INVALID', `${name} has ${fields.length} fields; at most ${LIMITS.fields} are allowed`);
  const ordinals = fields.map((field) => field.ordinal).sort((a, b) => a - b);
  if (ordinals.some((ordinal, index) => ordinal !== index)) {
    throw fail(
      'APP_INCOMPLETE_FIELDS',
      `the fields of ${name} must be numbered 0 to ${fields.length - 1} without gaps or repeats (got ${ordinals.join(', ')})`,
    );
  }
  for (const field of fields) {
    if (field.label.trim() === '' || field.label.length > LIMITS.labelLength) {
      throw fail('APP_INVALID', `field ${field.ordinal} of ${name} needs a label of 1 to ${LIMITS.labelLength} characters`);
    }
    checkName(`the label of field ${field.ordinal} of ${name}`, field.label, LIMITS.labelLength);
    if (field.ordinal === 0 && field.masked) throw fail('APP_INVALID', `field 0 of ${name} (the external user id) cannot be masked`);
  }
}

const BUILT_IN_ACCOUNTS = new Set(['EVERYONE', 'AUTHENTICATED USERS']);
const BUILT_IN_DOMAINS = ['BUILTIN\\', 'NT AUTHORITY\\'];

/**
 * `DOMAIN\name` or `name@domain`, in NFC without control or formatting characters (text-rules.ts);
 * never built-in accounts or Everyone (ENTSSO 10777).
 */
export function checkAccount(account: string): void {
  checkName('the account name', account, LIMITS.accountLength);
  const key = nameKey(account);
  if (BUILT_IN_ACCOUNTS.has(key) || BUILT_IN_DOMAINS.some((domain) => key.startsWith(domain))) {
    throw fail('ACCOUNT_INVALID', `${account} is a built-in account; name a domain group or user instead`);
  }
  if (!/^[^\\@\s][^\\@]*\\[^\\@]+$/.test(account) && !/^[^\\@\s]+@[^\\@\s]+$/.test(account)) {
    throw fail('ACCOUNT_INVALID', `"${account}" is not an account name: write DOMAIN\\name or name@domain`);
  }
}

/** Case-insensitive account comparison, as Windows compares account names (account-name.ts). */
export function sameAccount(a: string, b: string): boolean {
  return sameName(a, b);
}
