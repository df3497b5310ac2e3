/**
 * `<globalInfo>` (one ENTSSO sample spells it `<globalnfo>`), as `ssomanage -updatedb` reads it.
 * Only the elements present are returned, so a file holding just `<secretServer>` changes just that.
 * `<allowTickets>` and `<validateTickets>` are Tessera's: ENTSSO sets those switches with
 * `ssomanage -tickets`, and writing them keeps an export complete.
 */
import type { GlobalInfo } from '../../store/index.js';
import type { XmlElement } from './tree.js';
import { LIMITS } from '../application-rules.js';
import { type NoteListener, XmlReader } from './element-reader.js';
import { exportError } from './location.js';
import { readSsoDocument } from './read-document.js';
import { accountProblem, TICKET_MINUTES, valueProblem } from './rules.js';
import { FOREIGN_IN_SSO, type Schema } from './schema.js';
import { yesNo } from './values.js';
import { renderSso, type XmlNode } from './xml-writer.js';

type KeysOf<T> = { [K in keyof GlobalInfo]: GlobalInfo[K] extends T ? K : never }[keyof GlobalInfo];

const ACCOUNTS: ReadonlyArray<readonly [string, KeysOf<string[]>]> = [
  ['ssoAdminAccount', 'ssoAdminAccounts'],
  ['ssoAffiliateAdminAccount', 'affiliateAdminAccounts'],
];
const TEXTS: ReadonlyArray<readonly [string, KeysOf<string>]> = [['secretServer', 'secretServer']];
const ANY = { min: 0, max: Number.MAX_SAFE_INTEGER };
const NUMBERS: ReadonlyArray<readonly [string, KeysOf<number>, { min: number; max: number }]> = [
  ['auditDeletedApps', 'auditDeletedApps', ANY],
  ['auditDeletedMappings', 'auditDeletedMappings', ANY],
  ['auditCredentialLookups', 'auditCredentialLookups', ANY],
  ['ticketTimeout', 'ticketTimeoutMinutes', TICKET_MINUTES],
  ['credCacheTimeout', 'credCacheTimeoutMinutes', ANY],
];
const SWITCHES: ReadonlyArray<readonly [string, KeysOf<boolean>]> = [
  ['allowTickets', 'ticketsAllowed'],
  ['validateTickets', 'ticketsValidate'],
];
const ELEMENTS = [ACCOUNTS, TEXTS, NUMBERS, SWITCHES].flatMap((table) => table.map(([element]) => element));

const GLOBAL_INFO_SCHEMA: Schema = {
  sso: {
    children: ['globalInfo'],
    foreignChildren: FOREIGN_IN_SSO,
    childAliases: { globalnfo: { name: 'globalInfo', why: "a misspelling in one of Microsoft's samples" } },
  },
  globalInfo: { children: ELEMENTS },
};

/**
 * The settings a global info file states. Its root is <sso>, or <UpdateConfiguration> holding
 * <sso> as in the file of Microsoft's Sysprep script (UpdateSSO.cmd), whose other sections are skipped.
 */
export function parseGlobalInfoXml(text: string, source: string, onNote?: NoteListener): Partial<GlobalInfo> {
  const reader = new XmlReader(source, onNote);
  return reader.read(() => readGlobalInfo(reader, readSsoDocument(reader, text, GLOBAL_INFO_SCHEMA, { container: 'UpdateConfiguration' })));
}

function readGlobalInfo(reader: XmlReader, root: XmlElement): Partial<GlobalInfo> {
  const element = reader.single(root, reader.childrenOf(root), 'globalInfo');
  if (element === undefined) throw reader.error({ line: root.line }, `<${root.name}> holds no <globalInfo>: put the settings in <globalInfo>…</globalInfo>`);
  const children = reader.childrenOf(element);
  const info: Partial<GlobalInfo> = {};
  for (const [name, key] of ACCOUNTS) if (children.has(name)) info[key] = reader.accountsOf(children.get(name));
  const present = (name: string): XmlElement | undefined => reader.single(element, children, name);
  for (const [name, key] of TEXTS) {
    const child = present(name);
    if (child) info[key] = reader.checkedValue(child.line, `<${name}>`, reader.leafText(child), 'name', LIMITS.identifierLength);
  }
  for (const [name, key, range] of NUMBERS) {
    const child = present(name);
    if (child) info[key] = reader.wholeNumber(child, reader.leafText(child), range);
  }
  for (const [name, key] of SWITCHES) {
    const child = present(name);
    if (child) info[key] = reader.yesNoText(child);
  }
  return info;
}

/** Writes the settings given; an empty account list is written as one empty element, so it reads back empty. */
export function globalInfoToXml(info: Partial<GlobalInfo>): string {
  const children: XmlNode[] = [];
  for (const [name, key] of ACCOUNTS) {
    const accounts = info[key];
    if (accounts === undefined) continue;
    for (const account of accounts) {
      const problem = accountProblem(account) ?? valueProblem('the account', account, 'name', LIMITS.accountLength);
      if (problem) throw exportError(`<${name}>`, problem);
    }
    children.push(...(accounts.length === 0 ? [{ name }] : accounts.map((account) => ({ name, text: account }))));
  }
  for (const [name, key] of TEXTS) {
    const value = info[key];
    if (value === undefined) continue;
    const problem = valueProblem(`<${name}>`, value, 'name', LIMITS.identifierLength);
    if (problem) throw exportError(`<${name}>`, problem);
    children.push({ name, text: value });
  }
  for (const [name, key, range] of NUMBERS) {
    const value = info[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
      throw exportError(`<${name}>`, `${value} is not a whole number${range === ANY ? '' : ` from ${range.min} to ${range.max}`}`);
    }
    children.push({ name, text: String(value) });
  }
  for (const [name, key] of SWITCHES) if (info[key] !== undefined) children.push({ name, text: yesNo(info[key]) });
  return renderSso([{ name: 'globalInfo', children }]);
}
