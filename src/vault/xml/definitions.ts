/**
 * What an ENTSSO XML file describes, as plain data: no ids, no timestamps. The vault's
 * rules (account syntax, flag conflicts, limits) are checked where a definition is used;
 * the XML layer checks what it can point to a line for.
 */
import type { ApplicationFlags, ApplicationRecord, FieldDefinition } from '../../store/index.js';

export type ApplicationDefinition = Pick<
  ApplicationRecord,
  'name' | 'type' | 'description' | 'contact' | 'userAccounts' | 'adminAccounts' | 'windowsAccount' | 'fields' | 'flags' | 'ticketTimeoutMinutes'
>;

export interface MappingDefinition {
  /** `DOMAIN\user`: ENTSSO's `<windowsDomain>` and `<windowsUserId>` joined by a backslash. */
  account: string;
  /** The affiliate application (`<externalApplication>`). */
  application: string;
  /** `<externalUserId>`. */
  externalUser: string;
}

/**
 * What one `<application>` of a file states, nothing more: `-createapps` gives the rest ENTSSO's
 * defaults, `-updateapps` changes only what is stated.
 */
export interface ApplicationStatement {
  name: string;
  line: number;
  description?: string;
  contact?: string;
  userAccounts?: string[];
  adminAccounts?: string[];
  windowsAccount?: string;
  fields?: FieldDefinition[];
  flags: Partial<ApplicationFlags>;
  ticketTimeoutMinutes?: number;
}
