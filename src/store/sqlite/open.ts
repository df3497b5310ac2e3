/** Opens (creating if needed) a SQLite database file for the store. */
import { closeSync, lstatSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import { checkOwnEntry, openOwnFile, sameFile, trustDirectory } from '../../files/index.js';
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

/** Files SQLite opens by itself beside the database: each must be ours, or absent. */
const COMPANIONS = [
  ['-wal', "the database's write-ahead log"],
  ['-shm', "the database's shared-memory index"],
  ['-journal', "the database's rollback journal"],
] as const;

/** Every file of a SQLite database at `path`, with what it is, for checks made before opening. */
export function sqliteFiles(path: string): Array<{ path: string; role: string }> {
  return [{ path, role: DATABASE_ROLE }, ...COMPANIONS.map(([suffix, role]) => ({ path: `${path}${suffix}`, role }))];
}

const DATABASE_ROLE = 'the database file';

/**
 * better-sqlite3 opens by path, and SQLite follows a link in that path and opens -wal and
 * -shm itself later, so we check before and verify after. The directory must be one only we
 * can change, so nobody else can swap an entry between our check and SQLite's open. A missing
 * database file is created by us, new and without following a link (0600: SQLite would use
 * the umask's mode, and gives -wal and -shm the main file's); an existing one, and -wal, -shm
 * and -journal, are checked by lstat. Once SQLite has the file open, the path must still lead
 * to the file we checked, and -wal and -shm must be ours.
 */
export async function openSqlite(file: string): Promise<OpenedSqlite> {
  const path = resolve(file);
  trustDirectory(dirname(path), { role: `the directory of ${DATABASE_ROLE}`, create: true });
  const checked = checkOwnEntry(path, DATABASE_ROLE) ?? createDatabaseFile(path);
  let connection: BetterSqlite3.Database | undefined;
  try {
    checkCompanions(path);
    connection = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
    connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await enableWal(connection, path);
    // FULL: a committed keyring change survives power loss, not just a process crash.
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    checkStillOurs(path, checked);
    checkCompanions(path);
  } catch (error) {
    connection?.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
  return { db, location: path, connection };
}

/**
 * Our descriptor is closed at once: closing any descriptor of a file drops every POSIX lock
 * this process holds on it, SQLite's included (so an existing database is never opened by us
 * at all), and another process could then take the database for unused and delete its -wal.
 */
function createDatabaseFile(path: string): Stats {
  try {
    const { fd, stat } = openOwnFile(path, { role: DATABASE_ROLE, access: 'readwrite', create: 'new', checkDirectory: false });
    closeSync(fd);
    return stat;
  } catch (error) {
    // Another process created it first: judge it as found.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return checkOwnEntry(path, DATABASE_ROLE) ?? createDatabaseFile(path);
  }
}

function checkCompanions(path: string): void {
  for (const [suffix, role] of COMPANIONS) checkOwnEntry(`${path}${suffix}`, role);
}

/** SQLite opened the path after our check: it must have reached the file we checked. */
function checkStillOurs(path: string, checked: Stats): void {
  const now = lstatSync(path, { throwIfNoEntry: false });
  if (now && sameFile(now, checked)) return;
  throw fail(
    'UNSAFE_FILE',
    `the database file ${path} was replaced while Tessera opened it: check who else can write its directory, then run the command again`,
  );
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
        throw fail('SQLITE_NO_WAL', `SQLite cannot use write-ahead logging for ${path} (journal mode stays ${String(mode)}): use a local file system`);
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
