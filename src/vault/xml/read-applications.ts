/**
 * `<sso><application name>…</application></sso>`: parseApplicationsXml as `ssomanage -createapps`
 * reads it (what is not stated takes ENTSSO's defaults), parseApplicationUpdatesXml as
 * `-updateapps` reads it (what is not stated stays as it is).
 */
import type { ApplicationType } from '../../store/index.js';
import { nameKey } from '../account-name.js';
import { defaultFlags, LIMITS } from '../application-rules.js';
import type { ApplicationDefinition, ApplicationStatement } from './definitions.js';
import { type NoteListener, XmlReader } from './element-reader.js';
import { FLAGS_RULE, readFlags, TICKET_TIMEOUT } from './flags.js';
import { readSsoDocument } from './read-document.js';
import { FIELD_RULE, readFields } from './read-fields.js';
import { applicationNameProblem, TICKET_MINUTES } from './rules.js';
import { FOREIGN_IN_SSO, OLDER_NAME, type Schema } from './schema.js';
import type { XmlAttribute, XmlElement } from './tree.js';
import { splitAccounts } from './values.js';

const APPLICATIONS_SCHEMA: Schema = {
  sso: { children: ['application'], foreignChildren: FOREIGN_IN_SSO },
  application: {
    attributes: ['name'],
    children: ['description', 'contact', 'appUserAccount', 'appAdminAccount', 'windowsAccount', 'field', 'flags', TICKET_TIMEOUT],
    childAliases: {
      userGroup: { name: 'appUserAccount', why: OLDER_NAME },
      appAdminGroup: { name: 'appAdminAccount', why: OLDER_NAME },
    },
  },
  field: FIELD_RULE,
  flags: FLAGS_RULE,
};

/** The applications of an ENTSSO applications file, absent flags and elements taking ENTSSO's defaults. */
export function parseApplicationsXml(text: string, source: string, onNote?: NoteListener): ApplicationDefinition[] {
  return parseApplicationUpdatesXml(text, source, onNote).map((statement) => withDefaults(statement, source, onNote));
}

/** What each application of the file states; `source` (a file name) is quoted in errors. */
export function parseApplicationUpdatesXml(text: string, source: string, onNote?: NoteListener): ApplicationStatement[] {
  const reader = new XmlReader(source, onNote);
  return reader.read(() => {
    const root = readSsoDocument(reader, text, APPLICATIONS_SCHEMA);
    const firstLine = new Map<string, number>();
    return (reader.childrenOf(root).get('application') ?? []).map((element) => {
      const application = readApplication(reader, element);
      const first = firstLine.get(nameKey(application.name));
      if (first !== undefined) {
        throw reader.error(
          { line: element.line },
          `application ${application.name} is defined twice (first on line ${first}; names are compared without case)`,
        );
      }
      firstLine.set(nameKey(application.name), element.line);
      return application;
    });
  });
}

/** configStoreApp → config store; groupApp → group; a <windowsAccount> → host group; else individual. */
export function statedType(statement: ApplicationStatement): ApplicationType {
  if (statement.flags.configStoreApp) return 'configStore';
  if (statement.flags.groupApp) return 'group';
  return statement.windowsAccount !== undefined ? 'hostGroup' : 'individual';
}

/**
 * A statement completed with ENTSSO's defaults, as -createapps creates it. An application that
 * turns Windows-initiated SSO off and says nothing of host-initiated SSO, as one of Microsoft's
 * samples does, is host-initiated: otherwise it could serve no lookup at all.
 */
function withDefaults(statement: ApplicationStatement, source: string, onNote?: NoteListener): ApplicationDefinition {
  const type = statedType(statement);
  const hostInitiated = statement.flags.windowsInitiatedSSO === false && statement.flags.hostInitiatedSSO === undefined && type === 'individual';
  if (hostInitiated) {
    onNote?.(
      `${source} line ${statement.line}: ${statement.name} turns windowsInitiatedSSO off and does not state hostInitiatedSSO: it is created host-initiated, so that it can serve lookups`,
    );
  }
  return {
    name: statement.name,
    type,
    description: statement.description ?? '',
    contact: statement.contact ?? '',
    userAccounts: statement.userAccounts ?? [],
    adminAccounts: statement.adminAccounts ?? [],
    windowsAccount: statement.windowsAccount ?? null,
    fields: statement.fields ?? [],
    flags: { ...defaultFlags(type), ...(hostInitiated ? { hostInitiatedSSO: true } : {}), ...statement.flags },
    ticketTimeoutMinutes: statement.ticketTimeoutMinutes ?? null,
  };
}

function readApplication(reader: XmlReader, element: XmlElement): ApplicationStatement {
  const nameAttribute = reader.attributesOf(element).get('name');
  if (nameAttribute === undefined || nameAttribute.value.trim() === '') {
    throw reader.error({ line: element.line }, '<application> needs a name attribute, e.g. <application name="PayrollHost">');
  }
  const name = reader.checkedValue(nameAttribute.line, 'the application name', nameAttribute.value, 'name', LIMITS.nameLength);
  const nameProblem = applicationNameProblem(name);
  if (nameProblem) throw reader.error({ line: nameAttribute.line }, nameProblem);

  const children = reader.childrenOf(element);
  const statement: ApplicationStatement = { name, line: element.line, flags: {} };
  for (const key of ['description', 'contact'] as const) {
    const found = reader.single(element, children, key);
    if (found) statement[key] = reader.checkedValue(found.line, `<${found.name}>`, oneLine(reader, found), 'text', LIMITS.textLength);
  }
  if (children.has('appUserAccount')) statement.userAccounts = reader.accountsOf(children.get('appUserAccount'));
  if (children.has('appAdminAccount')) statement.adminAccounts = reader.accountsOf(children.get('appAdminAccount'));
  const windowsElement = reader.single(element, children, 'windowsAccount');
  if (windowsElement) statement.windowsAccount = windowsAccount(reader, windowsElement);
  if (children.has('field')) statement.fields = readFields(reader, name, children.get('field')!);
  const flagsElement = reader.single(element, children, 'flags');
  const { flags, ticketTimeout } = readFlags(reader, flagsElement);
  statement.flags = flags;
  checkType(reader, statement, flagsElement, windowsElement);
  const minutes = ticketMinutes(reader, reader.single(element, children, TICKET_TIMEOUT), ticketTimeout);
  if (minutes !== undefined) statement.ticketTimeoutMinutes = minutes;
  return statement;
}

/**
 * A description or contact an editor wrapped over several lines, read as the one line it is:
 * each line break with the indentation around it becomes a space, with a note. The vault keeps
 * texts on one line (a line break in a shown text can forge lines; text-rules.ts).
 */
function oneLine(reader: XmlReader, element: XmlElement): string {
  const text = reader.leafText(element);
  if (!/[\r\n\t]/.test(text)) return text;
  const folded = text.replace(/[ \t]*[\r\n][\s]*|\t/g, ' ');
  const lines = text.split(/\r\n|\r|\n/).length;
  if (lines > 1) reader.note(element.line, `<${element.name}> runs over ${lines} lines and is read as one line, each line break a space`);
  return folded;
}

/** What the file states must make one type of application. */
function checkType(
  reader: XmlReader,
  { name, flags }: ApplicationStatement,
  flagsElement: XmlElement | undefined,
  windowsElement: XmlElement | undefined,
): void {
  if (flags.groupApp && flags.configStoreApp) {
    throw reader.error(
      { line: flagsElement!.line },
      'groupApp and configStoreApp are both yes: an application is a group application or a config store application, not both',
    );
  }
  if (windowsElement && (flags.groupApp || flags.configStoreApp)) {
    throw reader.error(
      { line: windowsElement.line },
      `<windowsAccount> makes ${name} a host group application, but its flags say ${flags.groupApp ? 'groupApp' : 'configStoreApp'}="yes": remove one of them`,
    );
  }
  if (windowsElement && flags.hostInitiatedSSO === false) {
    throw reader.error(
      { line: flagsElement!.line },
      `<windowsAccount> (line ${windowsElement.line}) makes ${name} a host group application, and host group applications are host-initiated: remove hostInitiatedSSO="no"`,
    );
  }
}

function windowsAccount(reader: XmlReader, element: XmlElement): string {
  const accounts = splitAccounts(reader.leafText(element));
  if (accounts.length === 1) return reader.checkedValue(element.line, '<windowsAccount>', accounts[0]!, 'name', LIMITS.accountLength);
  throw reader.error(
    { line: element.line },
    accounts.length === 0
      ? '<windowsAccount> is empty: name the one enterprise account every external user of a host group application maps to, e.g. CORP\\PayrollHost'
      : `<windowsAccount> lists ${accounts.length} accounts (${accounts.join(', ')}), and a host group application maps to exactly one`,
  );
}

/** From <appTicketTimeout> or the attribute of that name on <flags>, not both. */
function ticketMinutes(reader: XmlReader, element: XmlElement | undefined, attribute: XmlAttribute | undefined): number | undefined {
  if (element && attribute) {
    throw reader.error({ line: element.line }, `${TICKET_TIMEOUT} is given both here and on <flags> (line ${attribute.line}): keep one`);
  }
  if (element) return reader.wholeNumber(element, reader.leafText(element), TICKET_MINUTES, 'minutes');
  if (attribute) return reader.wholeNumber(attribute, attribute.value, TICKET_MINUTES, 'minutes');
  return undefined;
}
