/**
 * The databases every store-backed suite runs against. Loop over `storeTargets`, call
 * `create()` for a fresh empty database, pass its `config` to openStore, and call
 * `cleanup()` when done (after closing the store).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.js';

/** The PostgreSQL server the tests use (trust auth); override with TESSERA_TEST_PG_URL. */
export const pgUrl = process.env['TESSERA_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  config: StoreConfig;
  cleanup(): Promise<void>;
}

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const allStoreTargets: StoreTarget[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
      return {
        config: { kind: 'sqlite', file: join(dir, 'tessera.db') },
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async create() {
      // A schema of its own per database: suites run in parallel on one server.
      const schema = `t_${randomBytes(8).toString('hex')}`;
      return {
        config: { kind: 'postgres', url: pgUrl, schema },
        cleanup: () => dropSchema(schema),
      };
    },
  },
];

/**
 * Both stores, unless TESSERA_TEST_STORES names some (comma-separated): `npm run mutate` runs the
 * rules under mutation, which never depend on the store, on SQLite only (vitest.mutation.config.ts).
 */
const only = process.env['TESSERA_TEST_STORES']?.split(',');
export const storeTargets: StoreTarget[] = allStoreTargets.filter((target) => only === undefined || only.includes(target.name));

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
