/** Opens a pg pool for the store, optionally confined to one schema. */
import { Kysely, sql } from 'kysely';
import { Pool, escapeIdentifier } from 'pg';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';
import { SchemaPostgresDialect } from './dialect.js';
import { describePostgresUrl } from './location.js';

export interface OpenedPostgres {
  db: Kysely<Database>;
  location: string;
  /** The schema the store's tables (and kysely's migration tables) live in. */
  schema: string;
  /** The pool kysely drives, for the hot path's named statements. */
  pool: Pool;
}

export async function openPostgres(url: string, schema?: string): Promise<OpenedPostgres> {
  const pool = new Pool({ connectionString: url });
  // An idle client that dies (server restart) is discarded by the pool and the next query
  // reconnects; without a listener the 'error' event would crash the process.
  pool.on('error', () => {});
  if (schema !== undefined) {
    const searchPath = `set search_path to ${escapeIdentifier(schema)}`;
    pool.on('connect', (client) => {
      // pg queues a client's queries in order, so this runs before any query of ours. A
      // failure here means the connection is dead, which the next query reports.
      client.query(searchPath).catch(() => {});
    });
  }
  let own: string;
  try {
    own = schema ?? (await currentSchema(pool));
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Confined to that schema, so nothing else in the database can break or hold up opening.
  const db = new Kysely<Database>({ dialect: new SchemaPostgresDialect({ pool }, own) });
  try {
    if (schema !== undefined) await ensureSchema(db, schema);
    return { db, location: describePostgresUrl(url, schema), schema: own, pool };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function ensureSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two sessions creating the same schema at once can both pass IF NOT EXISTS and one
    // then fails on the catalog's unique index; the schema is there, which is all we need.
    if (!(await schemaExists(db, schema))) throw error;
  }
}

async function schemaExists(db: Kysely<Database>, schema: string): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    select 1 as found from pg_namespace where nspname = ${schema}`.execute(db);
  return rows.length > 0;
}

async function currentSchema(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ schema: string | null }>('select current_schema() as schema');
  const schema = rows[0]?.schema;
  if (schema == null) {
    throw fail('STORE_CONFIG', 'the PostgreSQL search_path names no existing schema: create one or configure a schema');
  }
  return schema;
}
