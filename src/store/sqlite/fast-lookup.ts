/**
 * The credential lookup on SQLite through better-sqlite3 prepared statements directly: kysely
 * costs ~20 µs per query to build and run, four times the read itself, and this is the query
 * every integration message makes. Same SQL and row assembly as the portable version.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { caseKey } from '../vault-rows.js';
import { type ApplicationCache, type LookupRow, assembleLookup, lookupSql } from '../queries/lookup.js';
import { VERSIONED_FIELDS_SQL, versionFromColumn } from '../queries/change-version.js';
import type { CredentialLookup, VersionedFields } from '../vault-types.js';

export class SqliteFastLookup {
  readonly #statements = new Map<number, BetterSqlite3.Statement>();
  // Prepared on first use: the store is built before the migrations create change_version.
  #version: BetterSqlite3.Statement<[], { version: number }> | undefined;
  #versionedFields: BetterSqlite3.Statement<[string], [number, number, Buffer]> | undefined;

  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly cache: ApplicationCache,
  ) {}

  changeVersion(): number {
    this.#version ??= this.connection.prepare('select version from change_version');
    return versionFromColumn(this.#version.get()!.version);
  }

  versionedCredentials(mappingId: string): VersionedFields {
    // Rows as arrays: no object per row on the hot path.
    this.#versionedFields ??= this.connection.prepare<[string], [number, number, Buffer]>(VERSIONED_FIELDS_SQL).raw(true);
    const rows = this.#versionedFields.all(mappingId);
    if (rows.length === 0) return { changeVersion: this.changeVersion(), fields: [] };
    return { changeVersion: versionFromColumn(rows[0]![0]), fields: rows.map(([, ordinal, ciphertext]) => ({ ordinal, ciphertext })) };
  }

  lookupCredentials(applicationName: string, accounts: readonly string[]): CredentialLookup | undefined {
    const count = Math.max(accounts.length, 1);
    let statement = this.#statements.get(count);
    if (!statement) {
      statement = this.connection.prepare(lookupSql(count));
      this.#statements.set(count, statement);
    }
    const keys = accounts.length > 0 ? accounts.map(caseKey) : [''];
    return assembleLookup(statement.all(...keys, caseKey(applicationName)) as LookupRow[], this.cache);
  }
}
