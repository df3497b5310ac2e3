/** applicationsToXml: the format parseApplicationsXml reads, refusing what would not read back the same. */
import { nameKey } from '../account-name.js';
import type { ApplicationDefinition } from './definitions.js';
import { flagAttributes, TICKET_TIMEOUT } from './flags.js';
import { exportError } from './location.js';
import { LIMITS, TYPE_NAMES } from '../application-rules.js';
import { accountProblem, applicationNameProblem, ticketMinutesProblem, valueProblem } from './rules.js';
import { yesNo } from './values.js';
import { renderSso, type XmlNode } from './xml-writer.js';

export function applicationsToXml(definitions: readonly ApplicationDefinition[]): string {
  const names = new Set<string>();
  return renderSso(
    definitions.map((definition) => {
      check(definition);
      const key = nameKey(definition.name);
      if (names.has(key)) throw exportError(`application ${definition.name}`, 'another application has the same name (names are compared without case)');
      names.add(key);
      return applicationNode(definition);
    }),
  );
}

function applicationNode(definition: ApplicationDefinition): XmlNode {
  const accounts = (name: string, list: readonly string[]): XmlNode[] => list.map((account) => ({ name, text: account }));
  const fields = [...definition.fields].sort((a, b) => a.ordinal - b.ordinal);
  return {
    name: 'application',
    attributes: [['name', definition.name]],
    children: [
      { name: 'description', text: definition.description },
      { name: 'contact', text: definition.contact },
      ...accounts('appUserAccount', definition.userAccounts),
      ...accounts('appAdminAccount', definition.adminAccounts),
      ...(definition.windowsAccount === null ? [] : [{ name: 'windowsAccount', text: definition.windowsAccount }]),
      ...fields.map((field) => ({
        name: 'field',
        attributes: [
          ['ordinal', String(field.ordinal)],
          ['label', field.label],
          ['masked', yesNo(field.masked)],
          // ENTSSO's field sync flag: written only when set, so files stay as ENTSSO writes them.
          ...(field.sync ? [['sync', 'yes'] as const] : []),
        ] as const,
      })),
      { name: 'flags', attributes: flagAttributes(definition.flags) },
      ...(definition.ticketTimeoutMinutes === null ? [] : [{ name: TICKET_TIMEOUT, text: String(definition.ticketTimeoutMinutes) }]),
    ],
  };
}

/** What the reader would refuse or read differently. */
function check(definition: ApplicationDefinition): void {
  const what = `application ${JSON.stringify(definition.name)}`;
  const problem = (message: string | undefined): void => {
    if (message !== undefined) throw exportError(what, message);
  };
  problem(applicationNameProblem(definition.name));
  problem(valueProblem('the application name', definition.name, 'name', LIMITS.nameLength));
  problem(valueProblem('<description>', definition.description, 'text', LIMITS.textLength));
  problem(valueProblem('<contact>', definition.contact, 'text', LIMITS.textLength));
  const accounts = [...definition.userAccounts, ...definition.adminAccounts, ...(definition.windowsAccount === null ? [] : [definition.windowsAccount])];
  for (const account of accounts) {
    problem(accountProblem(account));
    problem(valueProblem('the account', account, 'name', LIMITS.accountLength));
  }
  for (const field of definition.fields) problem(valueProblem('the label', field.label, 'name', LIMITS.labelLength));
  problem(typeProblem(definition));
  const ordinals = definition.fields.map((field) => field.ordinal).sort((a, b) => a - b);
  if (ordinals.some((ordinal, index) => ordinal !== index))
    problem(`its fields must be numbered 0 to ${ordinals.length - 1} without gaps or repeats (got ${ordinals.join(', ')})`);
  if (definition.fields.some((field) => field.ordinal === 0 && field.masked)) problem('field 0 is the external user id and cannot be masked');
  if (definition.ticketTimeoutMinutes !== null) problem(ticketMinutesProblem(definition.ticketTimeoutMinutes));
}

/** The type is not written: it must follow from the flags and the windowsAccount, as the reader derives it. */
function typeProblem({ type, flags, windowsAccount }: ApplicationDefinition): string | undefined {
  const wanted = { group: type === 'group', configStore: type === 'configStore', hostGroup: type === 'hostGroup' };
  if (flags.groupApp !== wanted.group) return `groupApp must be ${yesNo(wanted.group)} for ${TYPE_NAMES[type]}`;
  if (flags.configStoreApp !== wanted.configStore) return `configStoreApp must be ${yesNo(wanted.configStore)} for ${TYPE_NAMES[type]}`;
  if ((windowsAccount !== null) !== wanted.hostGroup) {
    return wanted.hostGroup
      ? 'a host group application needs its windowsAccount'
      : `only host group applications have a windowsAccount, and this one is of type ${type}`;
  }
  return undefined;
}
