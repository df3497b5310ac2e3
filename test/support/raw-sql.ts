/**
 * A raw SQL client on a store's database, past Tessera's own code: what someone with SQL access
 * but no seal key (or an older Tessera) can write. Tests use it to tamper with stored rows behind
 * the store's back. `?` placeholders on both backends.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.js';

export interface RawSql {
  run(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** A session for several statements; the caller closes it. */
export async function openRawSql(config: StoreConfig): Promise<RawSql> {
  if (config.kind === 'sqlite') {
    const db = new Database(config.file);
    return {
      run: async (text, params = []) => {
        const statement = db.prepare(text);
        return statement.reader ? (statement.all(...params) as Array<Record<string, unknown>>) : (statement.run(...params), []);
      },
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  if (config.schema) await client.query(`set search_path to ${pg.escapeIdentifier(config.schema)}`);
  return {
    run: async (text, params = []) => {
      let n = 0;
      return (
        await client.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as Array<Record<string, unknown>>;
    },
    close: () => client.end(),
  };
}

/** Runs one statement in a session of its own; returns the rows it yields. */
export async function rawSql(config: StoreConfig, statement: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const session = await openRawSql(config);
  try {
    return await session.run(statement, params);
  } finally {
    await session.close();
  }
}
