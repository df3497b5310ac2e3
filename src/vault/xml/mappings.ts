/** `<mapping>`: windowsDomain + windowsUserId (the enterprise account DOMAIN\user), externalApplication, externalUserId. */
import type { MappingDefinition } from './definitions.js';
import { LIMITS } from '../application-rules.js';
import { attributesOf, checkedValue, childrenOf, leafText, single } from './element-reader.js';
import { exportError, xmlError } from './location.js';
import { readSsoDocument } from './read-document.js';
import { applicationNameProblem, valueProblem } from './rules.js';
import type { XmlElement } from './tree.js';
import { renderSso } from './xml-writer.js';

/** Each element with what it holds, for the message when it is missing. */
const PARTS = [
  ['windowsDomain', 'the Windows domain, e.g. CORP'],
  ['windowsUserId', "the Windows account's user name, e.g. jsmith"],
  ['externalApplication', 'the affiliate application, e.g. PayrollHost'],
  ['externalUserId', 'the user id in the external system'],
] as const;

type Part = (typeof PARTS)[number][0];

export function parseMappingsXml(text: string, source: string): MappingDefinition[] {
  const root = readSsoDocument(text, source);
  return (childrenOf(source, root, ['mapping']).get('mapping') ?? []).map((element) => readMapping(source, element));
}

function readMapping(source: string, element: XmlElement): MappingDefinition {
  attributesOf(source, element, []);
  const children = childrenOf(
    source,
    element,
    PARTS.map(([name]) => name),
  );
  const value = (part: Part): { text: string; line: number } => {
    const child = single(source, element, children, part);
    const text = child ? leafText(source, child) : '';
    if (text === '') {
      const hint = PARTS.find(([name]) => name === part)![1];
      throw xmlError(source, { line: child?.line ?? element.line }, `<mapping> needs a non-empty <${part}>: ${hint}`);
    }
    return { text, line: child!.line };
  };
  const domain = value('windowsDomain');
  if (domain.text.includes('\\')) {
    throw xmlError(
      source,
      { line: domain.line },
      `<windowsDomain> "${domain.text}" has a backslash: give the domain alone (e.g. CORP) and the user in <windowsUserId>`,
    );
  }
  const user = value('windowsUserId');
  const account = checkedValue(source, user.line, 'the account', `${domain.text}\\${user.text}`, 'name', LIMITS.accountLength);
  const application = value('externalApplication');
  checkedValue(source, application.line, '<externalApplication>', application.text, 'name', LIMITS.nameLength);
  const nameProblem = applicationNameProblem(application.text);
  if (nameProblem) throw xmlError(source, { line: application.line }, nameProblem);
  const externalUser = value('externalUserId');
  checkedValue(source, externalUser.line, '<externalUserId>', externalUser.text, 'name', LIMITS.externalUserLength);
  return { account, application: application.text, externalUser: externalUser.text };
}

export function mappingsToXml(definitions: readonly MappingDefinition[]): string {
  return renderSso(
    definitions.map(({ account, application, externalUser }) => {
      const what = `the mapping of ${account} to ${application}`;
      const slash = account.indexOf('\\');
      if (slash <= 0 || slash === account.length - 1) {
        throw exportError(what, 'ENTSSO mapping files name the enterprise account as DOMAIN\\user (windowsDomain and windowsUserId)');
      }
      const problem =
        applicationNameProblem(application) ??
        valueProblem('the account', account, 'name', LIMITS.accountLength) ??
        valueProblem('<externalApplication>', application, 'name', LIMITS.nameLength) ??
        (externalUser === '' ? 'the external user id is empty' : valueProblem('<externalUserId>', externalUser, 'name', LIMITS.externalUserLength));
      if (problem !== undefined) throw exportError(what, problem);
      return {
        name: 'mapping',
        children: [
          { name: 'windowsDomain', text: account.slice(0, slash) },
          { name: 'windowsUserId', text: account.slice(slash + 1) },
          { name: 'externalApplication', text: application },
          { name: 'externalUserId', text: externalUser },
        ],
      };
    }),
  );
}
