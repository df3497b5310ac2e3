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

export interface Database {
  vault: VaultTable;
  backups: BackupsTable;
  events: EventsTable;
}

/** Which SQL dialect a database speaks; migrations use it to pick column types. */
export type DialectKind = 'sqlite' | 'postgres';
