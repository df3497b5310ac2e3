/** The store: where the vault row, backup records and event log are kept. */
export { openStore } from './open-store.js';
export type {
  BackupRecord,
  EventQuery,
  KeyringUpdate,
  NewEvent,
  NewVault,
  Store,
  StoreConfig,
  StoredEvent,
  VaultRecord,
} from './types.js';
