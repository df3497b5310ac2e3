/**
 * The credential lookup on SQLite through better-sqlite3 prepared statements directly: kysely
 * costs ~20 µs per query to build and run, four times the read itself, and this is the query
 * every integration message makes. Same SQL and row assembly as the portable version.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { caseKey } from '../vault-rows.js';
import { type ApplicationCache, type LookupRow, assembleLookup, lookupSql } from '../queries/lookup.js';
import type { CredentialLookup } from '../vault-types.js';

export class SqliteFastLookup {
  readonly #statements = new Map<number, BetterSqlite3.Statement>();

  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly cache: ApplicationCache,
  ) {}

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
