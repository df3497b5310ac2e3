/** `<mapping>`: windowsDomain + windowsUserId (the enterprise account DOMAIN\user), externalApplication, externalUserId. */
import type { MappingDefinition } from './definitions.js';
import { LIMITS } from '../application-rules.js';
import { type NoteListener, XmlReader } from './element-reader.js';
import { exportError } from './location.js';
import { readSsoDocument } from './read-document.js';
import { applicationNameProblem, valueProblem } from './rules.js';
import { FOREIGN_IN_SSO, type Schema } from './schema.js';
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

const MAPPINGS_SCHEMA: Schema = {
  sso: { children: ['mapping'], foreignChildren: FOREIGN_IN_SSO },
  mapping: { children: PARTS.map(([name]) => name) },
};

export function parseMappingsXml(text: string, source: string, onNote?: NoteListener): MappingDefinition[] {
  const reader = new XmlReader(source, onNote);
  return reader.read(() => {
    const root = readSsoDocument(reader, text, MAPPINGS_SCHEMA);
    return (reader.childrenOf(root).get('mapping') ?? []).map((element) => readMapping(reader, element));
  });
}

function readMapping(reader: XmlReader, element: XmlElement): MappingDefinition {
  const children = reader.childrenOf(element);
  const value = (part: Part): { text: string; line: number } => {
    const child = reader.single(element, children, part);
    const text = child ? reader.leafText(child) : '';
    if (text === '') {
      const hint = PARTS.find(([name]) => name === part)![1];
      throw reader.error({ line: child?.line ?? element.line }, `<mapping> needs a non-empty <${part}>: ${hint}`);
    }
    return { text, line: child!.line };
  };
  const domain = value('windowsDomain');
  if (domain.text.includes('\\')) {
    throw reader.error(
      { line: domain.line },
      `<windowsDomain> "${domain.text}" has a backslash: give the domain alone (e.g. CORP) and the user in <windowsUserId>`,
    );
  }
  const user = value('windowsUserId');
  const account = reader.checkedValue(user.line, 'the account', `${domain.text}\\${user.text}`, 'name', LIMITS.accountLength);
  const application = value('externalApplication');
  reader.checkedValue(application.line, '<externalApplication>', application.text, 'name', LIMITS.nameLength);
  const nameProblem = applicationNameProblem(application.text);
  if (nameProblem) throw reader.error({ line: application.line }, nameProblem);
  const externalUser = value('externalUserId');
  reader.checkedValue(externalUser.line, '<externalUserId>', externalUser.text, 'name', LIMITS.externalUserLength);
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
