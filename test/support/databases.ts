/**
 * The databases every store-backed suite runs against. Loop over `storeTargets`, call
 * `create()` for a fresh empty database, pass its `config` to openStore, and call
 * `cleanup()` when done (after closing the store). PostgreSQL schemas and databases are named
 * after the test run, so what an interrupted run leaves is dropped later (see test-run.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '../../src/store/index.js';
import { testObjectName } from './test-run.js';

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
      const schema = testObjectName();
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

export interface ScratchDatabase {
  /** The server's URL with this database in place of `test`. */
  url: string;
  cleanup(): Promise<void>;
}

/** A database of its own, for a test whose churn must not reach other suites' schemas. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = testObjectName();
  await onServer(`create database ${pg.escapeIdentifier(name)}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // FORCE: a pooled connection that has not closed yet must not keep the database alive.
    cleanup: () => onServer(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  };
}

function dropSchema(schema: string): Promise<void> {
  return onServer(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
