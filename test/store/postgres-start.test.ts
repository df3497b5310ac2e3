/**
 * Opening a PostgreSQL store depends on its own schema only: other sessions on a shared
 * database creating and dropping their schemas, or migrating them, must neither fail nor hold
 * up a node's start. Each test works in a database of its own, so its churn cannot reach the
 * schemas of other suites (or of other test runs on the same server).
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { distUrl } from '../support/dist.js';
import { testObjectName } from '../support/test-run.js';
import { runWorker } from './run-worker.js';

/** Bounds of the race: the opening loop stops at whichever comes first. */
const MAX_OPENS = 60;
const MAX_OPEN_MS = 20_000;
/** Unrelated schemas alive at once while the churn drops the oldest and creates another. */
const CHURN_WIDTH = 20;
const MAX_CHURN = 20_000;

/** Runs in a child process, as a node's start would: open the store, close it, again. */
const OPEN_LOOP = `
const { openStore } = await import(process.env.STORE_MODULE);
const config = JSON.parse(process.env.STORE_CONFIG);
const deadline = Date.now() + Number(process.env.MAX_MS);
let opens = 0;
const failures = [];
while (opens < Number(process.env.MAX_OPENS) && Date.now() < deadline) {
  opens++;
  try {
    const store = await openStore(config);
    await store.close();
  } catch (error) {
    failures.push(String(error.code) + ': ' + error.message);
  }
}
process.stdout.write(JSON.stringify({ opens, failures }));
`;

describe('opening a postgres store on a shared database', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });

  afterAll(() => scratch.cleanup());

  it('is not failed by another session dropping unrelated schemas meanwhile', { timeout: 90_000 }, async () => {
    const config = { kind: 'postgres' as const, url: scratch.url, schema: testObjectName() };
    // Migrate once up front: every open in the loop then only looks its migrations up.
    await (await openStore(config)).close();

    let opening = true;
    const churn = churnSchemas(scratch.url, () => opening);
    let result: { opens: number; failures: string[] };
    try {
      result = await runWorker(OPEN_LOOP, {
        STORE_MODULE: distUrl('store/index.js'),
        STORE_CONFIG: JSON.stringify(config),
        MAX_OPENS: String(MAX_OPENS),
        MAX_MS: String(MAX_OPEN_MS),
      });
    } finally {
      opening = false;
    }
    const dropped = await churn;

    expect(result.failures, `${result.failures.length} of ${result.opens} opens failed`).toEqual([]);
    // The race had its chance: many opens, with schemas vanishing around them.
    expect(result.opens).toBeGreaterThanOrEqual(20);
    expect(dropped).toBeGreaterThanOrEqual(result.opens);
  });

  it('is not held up by a migration lock taken elsewhere in the database', { timeout: 60_000 }, async () => {
    // kysely 0.28's PostgreSQL migration lock: one advisory lock id for the whole database,
    // held here as another application's (or another schema's) long migration would hold it.
    const other = new pg.Client({ connectionString: scratch.url });
    await other.connect();
    await other.query('select pg_advisory_lock(3853314791062309107)');
    const opening = openStore({ kind: 'postgres', url: scratch.url, schema: testObjectName() });
    let outcome: string;
    try {
      outcome = await Promise.race([opening.then(() => 'opened'), delay(15_000).then(() => 'held up')]);
    } finally {
      await other.end();
    }
    await (await opening).close();
    expect(outcome).toBe('opened');
  });
});

/**
 * Creates and drops schemas (each with a table, as another tenant's would have) until
 * `keepGoing` says stop or MAX_CHURN were dropped; resolves to how many were dropped.
 */
async function churnSchemas(url: string, keepGoing: () => boolean): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const live: string[] = [];
  let dropped = 0;
  try {
    while (keepGoing() && dropped < MAX_CHURN) {
      const schema = pg.escapeIdentifier(testObjectName());
      await client.query(`create schema ${schema}; create table ${schema}.t (id integer primary key, name text)`);
      live.push(schema);
      if (live.length > CHURN_WIDTH) {
        await client.query(`drop schema ${live.shift()} cascade`);
        dropped++;
      }
    }
  } finally {
    await client.end();
  }
  return dropped;
}
