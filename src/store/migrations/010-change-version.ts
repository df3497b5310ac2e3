/**
 * A version of everything that decides a credential lookup, bumped by the database itself:
 * triggers on applications, mappings, credentials, global info, the vault (keyring) row and
 * data keys. Because the database bumps it, a change made by another process (the CLI beside a
 * running server, another node, direct SQL) moves it too. Tickets, events, backups and config
 * entries do not decide a lookup and do not bump it. The credential cache compares it
 * (service/credential-cache.ts).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../schema.js';

/** The tables whose rows decide what a lookup answers. */
export const VERSIONED_TABLES = ['applications', 'mappings', 'credentials', 'global_info', 'vault', 'data_keys'] as const;

export function changeVersionMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('change_version')
        .addColumn('singleton', 'integer', (col) =>
          col
            .primaryKey()
            .notNull()
            .check(sql`singleton = 1`),
        )
        .addColumn('version', 'bigint', (col) => col.notNull())
        .execute();
      await sql`insert into change_version (singleton, version) values (1, 1)`.execute(db);
      if (kind === 'postgres') await postgresTriggers(db);
      else await sqliteTriggers(db);
    },
  };
}

/** SQLite has only row triggers: a statement changing n rows bumps n times, which is still a change. */
async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const table of VERSIONED_TABLES) {
    for (const operation of ['insert', 'update', 'delete']) {
      await sql
        .raw(
          `create trigger change_version_${table}_${operation} after ${operation} on ${table} ` + `begin update change_version set version = version + 1; end`,
        )
        .execute(db);
    }
  }
}

/**
 * One bump per statement (a rotation re-wrapping ten thousand data keys bumps once). The
 * function keeps the search path it was created with, so a session with another search path
 * (direct SQL) still finds the store's change_version. Concurrent writers serialise on its row
 * until they commit, so every committed change gets its own version.
 */
async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function bump_change_version() returns trigger language plpgsql set search_path from current as $$
    begin
      update change_version set version = version + 1;
      return null;
    end $$`.execute(db);
  for (const table of VERSIONED_TABLES) {
    await sql
      .raw(
        `create trigger change_version_${table} after insert or update or delete or truncate on ${table} for each statement execute function bump_change_version()`,
      )
      .execute(db);
  }
}
