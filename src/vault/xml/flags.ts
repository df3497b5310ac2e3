/** `<flags …/>`: ENTSSO's application flags as yes/no attributes. */
import type { ApplicationFlags } from '../../store/index.js';
import type { XmlReader } from './element-reader.js';
import { type ElementRule, OLDER_NAME } from './schema.js';
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

export const FLAGS_RULE: ElementRule = {
  attributes: [...FLAG_NAMES, TICKET_TIMEOUT],
  attributeAliases: {
    allowLocalGroups: { name: 'allowLocalAccounts', why: OLDER_NAME },
    adminGroupSame: { name: 'adminAccountSame', why: OLDER_NAME },
    // A yes/no flag in the pages that use it (ticketTimeout="yes"): whether tickets time out, not how soon.
    ticketTimeout: { name: 'timeoutTickets', why: OLDER_NAME },
  },
  attributeNoun: 'flag',
  attributeList: `${FLAG_NAMES.join(', ')} (each yes or no), and ${TICKET_TIMEOUT} (minutes)`,
};

/** The flags the element states, and the ticket lifetime if it gives one. */
export function readFlags(reader: XmlReader, element: XmlElement | undefined): { flags: Partial<ApplicationFlags>; ticketTimeout?: XmlAttribute } {
  const flags: Partial<ApplicationFlags> = {};
  if (element === undefined) return { flags };
  reader.checkEmpty(element);
  const attributes = reader.attributesOf(element);
  for (const name of FLAG_NAMES) {
    const attribute = attributes.get(name);
    if (attribute !== undefined) flags[name] = reader.yesNoAttribute(attribute, false);
  }
  return { flags, ticketTimeout: attributes.get(TICKET_TIMEOUT) };
}

/** Every flag, written out, so that a file never depends on defaults. */
export function flagAttributes(flags: ApplicationFlags): Array<[string, string]> {
  return FLAG_NAMES.map((name) => [name, yesNo(flags[name])]);
}
