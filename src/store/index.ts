/**
 * The store: where the vault row, backup records and event log are kept, and the vault proper:
 * applications, data keys, mappings, credentials, config entries, redeemed tickets, global info.
 */
export { describeDatabase } from './describe.js';
export { openStore } from './open-store.js';
export { sqliteFiles } from './sqlite/open.js';
export type {
  ApiTokenRecord,
  BackupRecord,
  EventQuery,
  KeyringUpdate,
  NewApiToken,
  NewEvent,
  NewVault,
  Store,
  StoreConfig,
  StoredEvent,
  VaultRecord,
} from './types.js';
export type {
  ApplicationFlags,
  ApplicationRecord,
  ApplicationType,
  ApplicationUpdate,
  CredentialLookup,
  DataKeyRecord,
  FieldDefinition,
  GlobalInfo,
  KeyringRotation,
  MappingRecord,
  NewApplication,
  NewMapping,
  SealedField,
  VaultStore,
  VersionedFields,
} from './vault-types.js';
