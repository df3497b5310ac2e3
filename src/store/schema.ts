/**
 * Kysely table typings for the store's tables: the column names and the JS types the
 * drivers hand back. Both backends share them; where they disagree (PostgreSQL returns
 * bigint columns as strings) the type says so and the store converts.
 */
import type { ColumnType, Generated } from 'kysely';

/** A bigint key: a string from pg, a number from better-sqlite3; never written by us. */
type BigintKey = ColumnType<number | string, never, never>;

export interface VaultTable {
  /** Always 1: the primary key that makes a second vault row impossible. */
  singleton: number;
  vault_id: string;
  created_at: string;
  created_by: string;
  generation: number;
  sealed_keyring: Buffer;
  current_msid: string;
  previous_msid: string | null;
  updated_at: string;
}

export interface BackupsTable {
  id: Generated<number>;
  vault_id: string;
  msid: string;
  /** JSON array of strings. */
  msids: string;
  file: string;
  kind: 'backup' | 'verify';
  verified_at: string;
  client_user: string;
}

export interface EventsTable {
  seq: BigintKey;
  id: number;
  symbol: string;
  severity: 'info' | 'warning' | 'error';
  time: string;
  /** JSON object of strings. */
  params: string;
  message: string;
}

/** Booleans are 0/1 integers on both backends: one column type, one conversion. */
export type Flag = number;

export interface GlobalInfoTable {
  /** Always 1, like vault.singleton. */
  singleton: number;
  /** JSON arrays of strings. */
  sso_admin_accounts: string;
  affiliate_admin_accounts: string;
  tickets_allowed: Flag;
  tickets_validate: Flag;
  ticket_timeout_minutes: number;
  cred_cache_timeout_minutes: number;
  secret_server: string;
  audit_deleted_apps: number;
  audit_deleted_mappings: number;
  audit_credential_lookups: number;
  /** Migration 011: the SSO switch (1 enabled) and the audit levels, 0 to 3. */
  sso_enabled: Flag;
  audit_positive: number;
  audit_negative: number;
}

export interface ApplicationsTable {
  id: string;
  name: string;
  /** caseKey(name): the unique, case-insensitive lookup key. */
  name_key: string;
  type: 'individual' | 'group' | 'hostGroup' | 'configStore';
  description: string;
  contact: string;
  /** JSON: string[], string[], FieldDefinition[], ApplicationFlags. */
  user_accounts: string;
  admin_accounts: string;
  windows_account: string | null;
  fields: string;
  flags: string;
  ticket_timeout_minutes: number | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface DataKeysTable {
  application_id: string;
  version: number;
  msid: string;
  wrapped: Buffer;
  created_at: string;
}

export interface MappingsTable {
  id: string;
  application_id: string;
  account: string;
  account_key: string;
  /** account_key, or null in host group applications, whose mappings share one account. */
  account_unique_key: string | null;
  external_user: string;
  /** Unique per application. */
  external_key: string;
  enabled: Flag;
  has_credentials: Flag;
  created_at: string;
  updated_at: string;
}

export interface CredentialsTable {
  mapping_id: string;
  ordinal: number;
  ciphertext: Buffer;
}

export interface ConfigEntriesTable {
  application_id: string;
  /** As first written (case kept). */
  identifier: string;
  identifier_key: string;
  ordinal: number;
  ciphertext: Buffer;
  updated_at: string;
}

export interface RedeemedTicketsTable {
  ticket_id: string;
  expires_at: string;
  redeemed_at: string;
}

export interface ApiTokensTable {
  id: string;
  /** SHA-256 of the token's secret part. */
  secret_hash: Buffer;
  account: string;
  /** JSON array of strings. */
  groups: string;
  description: string | null;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

/** One row (migration 010): bumped by triggers on every change to what decides a lookup. */
export interface ChangeVersionTable {
  singleton: number;
  /** bigint: a string from pg, a number from better-sqlite3. */
  version: ColumnType<number | string, number, unknown>;
}

export interface Database {
  vault: VaultTable;
  backups: BackupsTable;
  events: EventsTable;
  global_info: GlobalInfoTable;
  applications: ApplicationsTable;
  data_keys: DataKeysTable;
  mappings: MappingsTable;
  credentials: CredentialsTable;
  config_entries: ConfigEntriesTable;
  redeemed_tickets: RedeemedTicketsTable;
  api_tokens: ApiTokensTable;
  change_version: ChangeVersionTable;
}

/** Which SQL dialect a database speaks; migrations use it to pick column types. */
export type DialectKind = 'sqlite' | 'postgres';
