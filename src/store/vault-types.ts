/**
 * The store's contract for the SSO vault proper: affiliate applications, their data keys,
 * mappings, encrypted credential fields, the config store, redeemed tickets and global info.
 * As everywhere in `store/`, ciphertexts are opaque bytes: encryption happens in `vault/`.
 */
import type { KeyringUpdate, VaultRecord } from './types.js';

export type ApplicationType = 'individual' | 'group' | 'hostGroup' | 'configStore';

export interface FieldDefinition {
  /** 0 is the external user id (never masked); credential fields are 1..n. */
  ordinal: number;
  label: string;
  masked: boolean;
  /** ENTSSO's password-sync flag, kept for round trips. */
  sync: boolean;
}

/** ENTSSO's application flags, by their XML attribute names. */
export interface ApplicationFlags {
  enableApp: boolean;
  groupApp: boolean;
  configStoreApp: boolean;
  hostInitiatedSSO: boolean;
  windowsInitiatedSSO: boolean;
  validatePassword: boolean;
  allowTickets: boolean;
  validateTickets: boolean;
  timeoutTickets: boolean;
  allowLocalAccounts: boolean;
  adminAccountSame: boolean;
  disableCredCache: boolean;
}

export interface ApplicationRecord {
  /** Stable id (UUID): ciphertexts are bound to it, never to the name. */
  id: string;
  /** As created (case kept); unique case-insensitively. */
  name: string;
  type: ApplicationType;
  description: string;
  contact: string;
  /** Application users accounts (usually groups), in the order given: group apps match the first. */
  userAccounts: string[];
  adminAccounts: string[];
  /** Host group applications: the one enterprise account every external account maps to. */
  windowsAccount: string | null;
  fields: FieldDefinition[];
  flags: ApplicationFlags;
  /** Per-application ticket lifetime in minutes (1..525,600), or null for the system's. */
  ticketTimeoutMinutes: number | null;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every update; writers compare-and-swap on it. */
  version: number;
}

export type NewApplication = Omit<ApplicationRecord, 'version' | 'updatedAt'>;
export type ApplicationUpdate = Partial<
  Pick<ApplicationRecord, 'description' | 'contact' | 'userAccounts' | 'adminAccounts' | 'windowsAccount' | 'fields' | 'flags' | 'ticketTimeoutMinutes'>
> & { updatedAt: string };

/** What a rotation stores: the new keyring and the data keys re-wrapped for it. */
export interface KeyringRotation {
  keyring: KeyringUpdate;
  /** Every MSID the new keyring holds: a master secret may be dropped only once no data key refers to it. */
  msids: readonly string[];
  /** Data keys with their new wrapping, matched by application and version (a deleted application's is ignored). */
  rewrapped: DataKeyRecord[];
}

/** An application data key, wrapped by a master secret. */
export interface DataKeyRecord {
  applicationId: string;
  version: number;
  /** The master secret that wraps it. */
  msid: string;
  wrapped: Buffer;
  createdAt: string;
}

export interface MappingRecord {
  id: string;
  applicationId: string;
  /** Enterprise account (`DOMAIN\user`, `user@domain`, or a group for group applications), case kept. */
  account: string;
  externalUser: string;
  enabled: boolean;
  /** True once credentials were set. */
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

export type NewMapping = Omit<MappingRecord, 'enabled' | 'hasCredentials' | 'updatedAt'>;

/** One encrypted field value (a credential field or a config value). */
export interface SealedField {
  ordinal: number;
  ciphertext: Buffer;
}

export interface GlobalInfo {
  ssoAdminAccounts: string[];
  affiliateAdminAccounts: string[];
  /** System-wide ticket switches; an application cannot loosen them. */
  ticketsAllowed: boolean;
  ticketsValidate: boolean;
  ticketTimeoutMinutes: number;
  credCacheTimeoutMinutes: number;
  secretServer: string;
  auditDeletedApps: number;
  auditDeletedMappings: number;
  auditCredentialLookups: number;
  /**
   * The SSO switch (ssomanage -enablesso / -disablesso): while false, lookups, tickets and runtime
   * config reads fail with SSO_DISABLED; administration goes on.
   */
  ssoEnabled: boolean;
  /** ssoconfig -auditlevel: how much of the successful (positive) and failed (negative) operations to audit, 0 to 3. */
  auditPositive: number;
  auditNegative: number;
}

/** The hot path's answer: an application and the mappings of the accounts asked for, with their fields. */
export interface CredentialLookup {
  /** The store's change version in the same snapshot as the rows (see changeVersion). */
  changeVersion: number;
  application: ApplicationRecord;
  mappings: Array<MappingRecord & { fields: SealedField[] }>;
}

/** A mapping's sealed fields and the change version, read in one snapshot. */
export interface VersionedFields {
  changeVersion: number;
  fields: SealedField[];
}

export interface VaultStore {
  /**
   * A number the database bumps (by triggers, so whoever writes) on every insert, update or
   * delete of applications, mappings, credentials, global info, the vault row and data keys.
   * Equal versions mean nothing that decides a lookup changed in between. One point read.
   */
  changeVersion(): Promise<number>;
  /** Bumps the change version, as a change would: every cache that compares it drops its entries. */
  bumpChangeVersion(): Promise<number>;
  /** A mapping's sealed fields (by ordinal) and the change version, in one statement. */
  getVersionedCredentials(mappingId: string): Promise<VersionedFields>;

  getGlobalInfo(): Promise<GlobalInfo>;
  updateGlobalInfo(patch: Partial<GlobalInfo>): Promise<GlobalInfo>;

  /**
   * Fails with APP_EXISTS when the name is taken, compared case-insensitively, and with
   * KEYRING_CHANGED when `firstKey` is wrapped by neither the vault's current nor its previous
   * master secret (the keyring was rotated since the caller read it), so no key is stranded.
   */
  createApplication(application: NewApplication, firstKey: DataKeyRecord): Promise<ApplicationRecord>;
  /** By name, case-insensitively. */
  getApplication(name: string): Promise<ApplicationRecord | undefined>;
  getApplicationById(id: string): Promise<ApplicationRecord | undefined>;
  listApplications(): Promise<ApplicationRecord[]>;
  /** Compare-and-swap on version: APP_CHANGED when another writer got there first, NO_APP when gone. */
  updateApplication(id: string, expectedVersion: number, update: ApplicationUpdate): Promise<ApplicationRecord>;
  /** Deletes the application with its data keys, mappings, credentials and config entries. */
  deleteApplication(id: string): Promise<boolean>;

  /**
   * Master secret rotation, in one transaction: claims the keyring (compare-and-swap on its
   * generation: KEYRING_CHANGED or NO_VAULT as Store.updateKeyring), hands `rotate` every data key,
   * stores the keys it re-wrapped and the keyring it made. No data key can be added or changed
   * meanwhile, so `rotate` sees them all. Fails with INVALID_QUERY, changing nothing, if a data
   * key would then be wrapped by a master secret outside `msids`. `rotate` must not use the store.
   */
  rotateKeyring(expectedGeneration: number, rotate: (dataKeys: DataKeyRecord[]) => KeyringRotation | Promise<KeyringRotation>): Promise<VaultRecord>;

  /** The newest data key of an application, and a given version. */
  getDataKey(applicationId: string, version?: number): Promise<DataKeyRecord | undefined>;
  listDataKeys(): Promise<DataKeyRecord[]>;

  /**
   * Fails with MAPPING_EXISTS when the application already maps this external user, or
   * (except for host group applications, whose mappings all share the one windowsAccount)
   * this account; NO_APP when the application is gone. A new mapping is disabled and has no
   * credentials until setCredentials.
   */
  createMapping(mapping: NewMapping): Promise<MappingRecord>;
  /** By account, case-insensitively; for a host group application the oldest of its mappings. */
  getMapping(applicationId: string, account: string): Promise<MappingRecord | undefined>;
  getMappingByExternalUser(applicationId: string, externalUser: string): Promise<MappingRecord | undefined>;
  listMappings(filter: { applicationId?: string; account?: string }): Promise<MappingRecord[]>;
  setMappingEnabled(id: string, enabled: boolean, updatedAt: string): Promise<MappingRecord | undefined>;
  deleteMapping(id: string): Promise<boolean>;

  /**
   * One round trip for what every credential lookup needs: the application by name
   * (case-insensitively) and the mappings of those of `accounts` that have one, with their
   * sealed fields. Undefined when there is no such application.
   */
  lookupCredentials(applicationName: string, accounts: readonly string[]): Promise<CredentialLookup | undefined>;

  /** Replaces a mapping's credential fields and enables it, in one transaction. */
  setCredentials(mappingId: string, fields: SealedField[], updatedAt: string): Promise<void>;
  getCredentials(mappingId: string): Promise<SealedField[]>;

  /** Writes the given fields of one config entry (others keep their value). */
  setConfig(applicationId: string, identifier: string, fields: SealedField[], updatedAt: string): Promise<void>;
  /** Undefined when the identifier has no entry. */
  getConfig(applicationId: string, identifier: string): Promise<SealedField[] | undefined>;
  deleteConfig(applicationId: string, identifier: string): Promise<boolean>;

  /** Records a ticket as redeemed; false when it already was (exactly one caller wins). */
  redeemTicket(ticketId: string, expiresAt: string, now: Date): Promise<boolean>;
}
