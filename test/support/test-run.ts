/**
 * Names for what a test run creates on the PostgreSQL server, and the clean-up of what killed
 * runs left there. Every schema and database a test makes is named
 * `tessera_test_<run>_<random>`. The run's global setup holds an advisory lock on its run id
 * for as long as its process lives, so a run id whose lock is free belongs to a run that is
 * gone: what carries it is left over and is dropped. Runs that are alive (other checkouts
 * testing against the same server at the same time) hold their locks and are never touched.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PREFIX = 'tessera_test_';
const RUN_ENV = 'TESSERA_TEST_RUN';
/** First half of the run's two-key advisory lock (the store's migration lock uses another). */
const RUN_LOCK_CLASS = 0x7e55e7b;
const RUN_ID = /^[0-9a-f]{8}$/;

/** A fresh name for a schema or database of this run. */
export function testObjectName(): string {
  const run = process.env[RUN_ENV];
  if (run === undefined || !RUN_ID.test(run)) {
    throw new Error(`${RUN_ENV} is not set: the tests' global setup claims a run id on the PostgreSQL server; was it reachable?`);
  }
  return `${TEST_PREFIX}${run}_${randomBytes(6).toString('hex')}`;
}

export interface ClaimedRun {
  id: string;
  /** Drops what this run left behind and lets the run id go. */
  release(): Promise<void>;
}

/**
 * Claims a run id for this process (exported to the test workers through the environment) and
 * drops the schemas and databases of runs that are gone.
 */
export async function claimRun(url: string): Promise<ClaimedRun> {
  const holder = new pg.Client({ connectionString: url });
  holder.on('error', (error) => {
    console.warn(`test run lock connection lost (${error.message}): this run's schemas may be dropped by another run`);
  });
  await holder.connect();
  let id = '';
  do id = randomBytes(4).toString('hex');
  while (!(await tryLock(holder, id)));
  process.env[RUN_ENV] = id;
  await dropLeftovers(holder, async (run) => run !== id && (await tryLock(holder, run)));
  return {
    id,
    async release() {
      try {
        await dropLeftovers(holder, (run) => Promise.resolve(run === id));
      } finally {
        await holder.end();
      }
    },
  };
}

/** Drops the test schemas and databases of every run `isGone` says has ended. */
async function dropLeftovers(client: pg.Client, isGone: (run: string) => Promise<boolean>): Promise<void> {
  const { rows } = await client.query<{ name: string; kind: 'schema' | 'database' }>(
    `select nspname as name, 'schema' as kind from pg_namespace where starts_with(nspname, $1)
     union all
     select datname, 'database' from pg_database where starts_with(datname, $1)`,
    [TEST_PREFIX],
  );
  const byRun = new Map<string, typeof rows>();
  for (const row of rows) {
    const run = row.name.slice(TEST_PREFIX.length, TEST_PREFIX.length + 8);
    if (RUN_ID.test(run)) byRun.set(run, [...(byRun.get(run) ?? []), row]);
  }
  for (const [run, objects] of byRun) {
    if (!(await isGone(run))) continue;
    for (const { name, kind } of objects) {
      const quoted = pg.escapeIdentifier(name);
      // FORCE ends connections a killed run's children may still hold.
      await client.query(kind === 'schema' ? `drop schema if exists ${quoted} cascade` : `drop database if exists ${quoted} with (force)`);
    }
  }
}

/** Takes the run's lock if no live process holds it; a session keeps every lock it takes. */
async function tryLock(client: pg.Client, run: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [RUN_LOCK_CLASS, runKey(run)]);
  return rows[0]?.locked === true;
}

/** The run id as the signed 32-bit key pg_try_advisory_lock(int, int) takes. */
function runKey(run: string): number {
  return Number.parseInt(run, 16) | 0;
}
