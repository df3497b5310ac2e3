/** `<flags …/>`: ENTSSO's application flags as yes/no attributes. */
import type { ApplicationFlags } from '../../store/index.js';
import { DEFAULT_FLAGS } from '../application-rules.js';
import { attributesOf, checkEmpty, yesNoAttribute } from './element-reader.js';
import type { XmlAttribute, XmlElement } from './tree.js';
import { yesNo } from './values.js';

/** In the order Tessera writes them. */
export const FLAG_NAMES = [
  'enableApp',
  'groupApp',
  'configStoreApp',
  'hostInitiatedSSO',
  'windowsInitiatedSSO',
  'validatePassword',
  'allowTickets',
  'validateTickets',
  'timeoutTickets',
  'allowLocalAccounts',
  'adminAccountSame',
  'disableCredCache',
] as const satisfies ReadonlyArray<keyof ApplicationFlags>;

// Fails to compile when ApplicationFlags gains a flag this list does not write.
const everyFlagListed: Exclude<keyof ApplicationFlags, (typeof FLAG_NAMES)[number]> extends never ? true : never = true;
void everyFlagListed;

/** ENTSSO's own per-application ticket lifetime, which some files give on <flags>. */
export const TICKET_TIMEOUT = 'appTicketTimeout';

/** The flags (absent ones take ENTSSO's defaults: windowsInitiatedSSO yes, all others no). */
export function readFlags(source: string, element: XmlElement | undefined): { flags: ApplicationFlags; ticketTimeout?: XmlAttribute } {
  const flags: ApplicationFlags = { ...DEFAULT_FLAGS };
  if (element === undefined) return { flags };
  checkEmpty(source, element);
  const attributes = attributesOf(source, element, [...FLAG_NAMES, TICKET_TIMEOUT], 'flag');
  for (const name of FLAG_NAMES) flags[name] = yesNoAttribute(source, attributes.get(name), DEFAULT_FLAGS[name]);
  return { flags, ticketTimeout: attributes.get(TICKET_TIMEOUT) };
}

/** Every flag, written out, so that a file never depends on defaults. */
export function flagAttributes(flags: ApplicationFlags): Array<[string, string]> {
  return FLAG_NAMES.map((name) => [name, yesNo(flags[name])]);
}
