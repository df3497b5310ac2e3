/**
 * Raw SQL against a store's database, as someone with write access to it (but no seal key)
 * could run it: tests use it to tamper with stored ciphertexts behind the store's back.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.js';

/** Runs one statement with `?` placeholders; returns the rows it yields. */
export async function rawSql(config: StoreConfig, statement: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.file);
    try {
      const prepared = db.prepare(statement);
      return prepared.reader ? (prepared.all(...params) as Array<Record<string, unknown>>) : (prepared.run(...params), []);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    if (config.schema !== undefined) await client.query(`set search_path to ${pg.escapeIdentifier(config.schema)}`);
    let n = 0;
    const result = await client.query(statement.replace(/\?/g, () => `$${++n}`), params);
    return result.rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}
