/**
 * The store's public contract. `store/` knows nothing of cryptography: it keeps
 * opaque sealed bytes and plain facts. Every backend passes the same contract suite.
 */
import type { VaultStore } from './vault-types.js';

export type StoreConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

/** The single vault row: who made it and its sealed keyring. */
export interface VaultRecord {
  vaultId: string;
  createdAt: string; // ISO 8601
  createdBy: string;
  /** Bumped by every keyring change; writers compare-and-swap on it. */
  generation: number;
  sealedKeyring: Buffer;
  currentMsid: string;
  previousMsid: string | null;
  updatedAt: string; // ISO 8601
}

export interface NewVault {
  vaultId: string;
  createdAt: string;
  createdBy: string;
  sealedKeyring: Buffer;
  currentMsid: string;
  previousMsid: string | null;
}

export interface KeyringUpdate {
  /** A forced restore of another vault's backup changes the vault id too. */
  vaultId: string;
  sealedKeyring: Buffer;
  currentMsid: string;
  previousMsid: string | null;
  updatedAt: string;
}

/** A backup file that was read back and decrypted successfully. */
export interface BackupRecord {
  vaultId: string;
  /** The MSID that was current in the file. */
  msid: string;
  /** Every MSID the file holds. */
  msids: string[];
  /** Absolute path. */
  file: string;
  /** 'backup' when written by Tessera, 'verify' when an existing file was checked. */
  kind: 'backup' | 'verify';
  verifiedAt: string;
  clientUser: string;
}

export interface NewEvent {
  id: number;
  symbol: string;
  severity: 'info' | 'warning' | 'error';
  time: string; // ISO 8601
  params: Record<string, string>;
  message: string;
}

export interface StoredEvent extends NewEvent {
  /** Store-assigned, strictly increasing. */
  seq: number;
}

export interface EventQuery {
  id?: number;
  /** Events at or after this ISO time. */
  since?: string;
  /** Newest N, still returned oldest first. */
  limit?: number;
}

/** An API token as stored: the hash of its secret part, never the secret. */
export interface ApiTokenRecord {
  /** The public part of the token text: 16 lower-case hex digits. */
  id: string;
  /** SHA-256 of the token's secret part. */
  secretHash: Buffer;
  /** The principal the token stands for, and its groups. */
  account: string;
  groups: string[];
  description: string | null;
  createdAt: string; // ISO 8601
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

export type NewApiToken = Omit<ApiTokenRecord, 'revokedAt' | 'revokedBy' | 'lastUsedAt'>;

/** The vault row, backups, events and API tokens here; the vault proper (VaultStore) in vault-types.ts. */
export interface Store extends VaultStore {
  readonly kind: StoreConfig['kind'];
  /** A human description without credentials, e.g. the SQLite path or postgres host/db. */
  readonly location: string;

  getVault(): Promise<VaultRecord | undefined>;
  /** Fails with TesseraError code VAULT_EXISTS if a vault row is already there. */
  createVault(vault: NewVault): Promise<VaultRecord>;
  /**
   * Compare-and-swap on `generation`: fails with TesseraError code KEYRING_CHANGED if another
   * writer changed the keyring since `expectedGeneration` was read, and NO_VAULT if there is none.
   */
  updateKeyring(expectedGeneration: number, update: KeyringUpdate): Promise<VaultRecord>;

  recordBackup(record: BackupRecord): Promise<void>;
  /** Newest first. */
  listBackups(filter?: { vaultId?: string; msid?: string }): Promise<BackupRecord[]>;

  appendEvent(event: NewEvent): Promise<StoredEvent>;
  /** Oldest first. */
  listEvents(query?: EventQuery): Promise<StoredEvent[]>;

  /** Fails with INVALID_QUERY when a token with that id exists (ids are 64 random bits: never in practice). */
  insertToken(token: NewApiToken): Promise<ApiTokenRecord>;
  getToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** Oldest first; revoked tokens only with `includeRevoked`. */
  listTokens(options?: { includeRevoked?: boolean }): Promise<ApiTokenRecord[]>;
  /** Marks the token revoked; false when there is no such token or it already was revoked. */
  revokeToken(id: string, at: string, by: string): Promise<boolean>;
  /** Records a use at `at`; never moves lastUsedAt back (another node's clock may lag). */
  touchToken(id: string, at: string): Promise<void>;

  close(): Promise<void>;
}
