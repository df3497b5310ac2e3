/**
 * `<globalInfo>` (one ENTSSO sample spells it `<globalnfo>`), as `ssomanage -updatedb` reads it.
 * Only the elements present are returned, so a file holding just `<secretServer>` changes just that.
 * `<allowTickets>` and `<validateTickets>` are Tessera's: ENTSSO sets those switches with
 * `ssomanage -tickets`, and writing them keeps an export complete.
 */
import type { GlobalInfo } from '../../store/index.js';
import type { XmlElement } from './tree.js';
import { LIMITS } from '../application-rules.js';
import { accountsOf, attributesOf, checkedValue, childrenOf, leafText, single, wholeNumber, yesNoText } from './element-reader.js';
import { exportError, xmlError } from './location.js';
import { readSsoDocument } from './read-document.js';
import { accountProblem, TICKET_MINUTES, valueProblem } from './rules.js';
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

export function parseGlobalInfoXml(text: string, source: string): Partial<GlobalInfo> {
  const root = readSsoDocument(text, source);
  const element = single(source, root, childrenOf(source, root, ['globalInfo'], { globalnfo: 'globalInfo' }), 'globalInfo');
  if (element === undefined)
    throw xmlError(source, { line: root.line }, `<${root.name}> holds no <globalInfo>: put the settings in <globalInfo>…</globalInfo>`);
  attributesOf(source, element, []);
  const children = childrenOf(source, element, ELEMENTS);
  const info: Partial<GlobalInfo> = {};
  for (const [name, key] of ACCOUNTS) if (children.has(name)) info[key] = accountsOf(source, children.get(name));
  const present = (name: string): XmlElement | undefined => single(source, element, children, name);
  for (const [name, key] of TEXTS) {
    const child = present(name);
    if (child) info[key] = checkedValue(source, child.line, `<${name}>`, leafText(source, child), 'name', LIMITS.identifierLength);
  }
  for (const [name, key, range] of NUMBERS) {
    const child = present(name);
    if (child) info[key] = wholeNumber(source, child, leafText(source, child), range);
  }
  for (const [name, key] of SWITCHES) {
    const child = present(name);
    if (child) info[key] = yesNoText(source, child);
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
