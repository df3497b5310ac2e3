/** parseApplicationsXml: `<sso><application name>…</application></sso>`, as `ssomanage -createapps` reads it. */
import type { ApplicationFlags, ApplicationType } from '../../store/index.js';
import { nameKey } from '../account-name.js';
import type { ApplicationDefinition } from './definitions.js';
import { LIMITS } from '../application-rules.js';
import { accountsOf, attributesOf, checkedValue, childrenOf, leafText, single, wholeNumber } from './element-reader.js';
import { readFlags, TICKET_TIMEOUT } from './flags.js';
import { xmlError } from './location.js';
import { readSsoDocument } from './read-document.js';
import { readFields } from './read-fields.js';
import { applicationNameProblem, TICKET_MINUTES } from './rules.js';
import type { XmlAttribute, XmlElement } from './tree.js';
import { splitAccounts } from './values.js';

export const APPLICATION_ELEMENTS = [
  'description',
  'contact',
  'appUserAccount',
  'appAdminAccount',
  'windowsAccount',
  'field',
  'flags',
  TICKET_TIMEOUT,
] as const;

/** The applications of an ENTSSO applications file; `source` (a file name) is quoted in errors. */
export function parseApplicationsXml(text: string, source: string): ApplicationDefinition[] {
  const root = readSsoDocument(text, source);
  const elements = childrenOf(source, root, ['application']).get('application') ?? [];
  const firstLine = new Map<string, number>();
  return elements.map((element) => {
    const application = readApplication(source, element);
    const first = firstLine.get(nameKey(application.name));
    if (first !== undefined) {
      throw xmlError(
        source,
        { line: element.line },
        `application ${application.name} is defined twice (first on line ${first}; names are compared without case)`,
      );
    }
    firstLine.set(nameKey(application.name), element.line);
    return application;
  });
}

function readApplication(source: string, element: XmlElement): ApplicationDefinition {
  const nameAttribute = attributesOf(source, element, ['name']).get('name');
  if (nameAttribute === undefined || nameAttribute.value.trim() === '') {
    throw xmlError(source, { line: element.line }, '<application> needs a name attribute, e.g. <application name="PayrollHost">');
  }
  const name = checkedValue(source, nameAttribute.line, 'the application name', nameAttribute.value, 'name', LIMITS.nameLength);
  const nameProblem = applicationNameProblem(name);
  if (nameProblem) throw xmlError(source, { line: nameAttribute.line }, nameProblem);

  const children = childrenOf(source, element, APPLICATION_ELEMENTS);
  const text = (child: string): string => {
    const found = single(source, element, children, child);
    return found ? checkedValue(source, found.line, `<${found.name}>`, leafText(source, found), 'text', LIMITS.textLength) : '';
  };
  const flagsElement = single(source, element, children, 'flags');
  const { flags, ticketTimeout } = readFlags(source, flagsElement);
  const windowsElement = single(source, element, children, 'windowsAccount');
  return {
    name,
    type: applicationType(source, name, flags, flagsElement, windowsElement),
    description: text('description'),
    contact: text('contact'),
    userAccounts: accountsOf(source, children.get('appUserAccount')),
    adminAccounts: accountsOf(source, children.get('appAdminAccount')),
    windowsAccount: windowsElement ? windowsAccount(source, windowsElement) : null,
    fields: readFields(source, name, children.get('field') ?? []),
    flags,
    ticketTimeoutMinutes: ticketMinutes(source, single(source, element, children, TICKET_TIMEOUT), ticketTimeout),
  };
}

/** configStoreApp → config store; groupApp → group; a <windowsAccount> → host group; else individual. */
function applicationType(
  source: string,
  name: string,
  flags: ApplicationFlags,
  flagsElement: XmlElement | undefined,
  windowsElement: XmlElement | undefined,
): ApplicationType {
  if (flags.groupApp && flags.configStoreApp) {
    throw xmlError(
      source,
      { line: flagsElement!.line },
      'groupApp and configStoreApp are both yes: an application is a group application or a config store application, not both',
    );
  }
  if (windowsElement && (flags.groupApp || flags.configStoreApp)) {
    throw xmlError(
      source,
      { line: windowsElement.line },
      `<windowsAccount> makes ${name} a host group application, but its flags say ${flags.groupApp ? 'groupApp' : 'configStoreApp'}="yes": remove one of them`,
    );
  }
  if (flags.configStoreApp) return 'configStore';
  if (flags.groupApp) return 'group';
  return windowsElement ? 'hostGroup' : 'individual';
}

function windowsAccount(source: string, element: XmlElement): string {
  const accounts = splitAccounts(leafText(source, element));
  if (accounts.length === 1) return checkedValue(source, element.line, '<windowsAccount>', accounts[0]!, 'name', LIMITS.accountLength);
  throw xmlError(
    source,
    { line: element.line },
    accounts.length === 0
      ? '<windowsAccount> is empty: name the one enterprise account every external user of a host group application maps to, e.g. CORP\\PayrollHost'
      : `<windowsAccount> lists ${accounts.length} accounts (${accounts.join(', ')}), and a host group application maps to exactly one`,
  );
}

/** From <appTicketTimeout> or the attribute of that name on <flags>, not both. */
function ticketMinutes(source: string, element: XmlElement | undefined, attribute: XmlAttribute | undefined): number | null {
  if (element && attribute) {
    throw xmlError(source, { line: element.line }, `${TICKET_TIMEOUT} is given both here and on <flags> (line ${attribute.line}): keep one`);
  }
  if (element) return wholeNumber(source, element, leafText(source, element), TICKET_MINUTES, 'minutes');
  if (attribute) return wholeNumber(source, attribute, attribute.value, TICKET_MINUTES, 'minutes');
  return null;
}
