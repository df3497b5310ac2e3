/** Opens (creating if needed) a SQLite database file for the store. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';
import { ImmediateSqliteDialect } from './dialect.js';

const BUSY_TIMEOUT_MS = 10_000;

export interface OpenedSqlite {
  db: Kysely<Database>;
  /** Absolute path of the database file. */
  location: string;
  /** The raw connection kysely drives, for the one hot path that bypasses kysely. */
  connection: BetterSqlite3.Database;
}

export async function openSqlite(file: string): Promise<OpenedSqlite> {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Create the file owner-only before SQLite sees it: SQLite would create it with the
  // umask's mode, and it gives the -wal and -shm files the main file's mode.
  closeSync(openSync(path, 'a', 0o600));

  const connection = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await enableWal(connection, path);
    // FULL: a committed keyring change survives power loss, not just a process crash.
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
  } catch (error) {
    connection.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
  return { db, location: path, connection };
}

/**
 * Switching to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once rather
 * than waiting when another process is opening the same fresh file: retry until the
 * busy timeout. (Once a file is in WAL mode it stays so and this succeeds first time.)
 */
async function enableWal(connection: BetterSqlite3.Database, path: string): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const mode: unknown = connection.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw fail('SQLITE_NO_WAL', `SQLite cannot use write-ahead logging for ${path} (journal mode stays ${String(mode)}): use a local file system`,
        );
      }
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await sleep(5 + Math.random() * 20);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
