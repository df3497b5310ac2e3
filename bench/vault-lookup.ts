/**
 * Part 3, item 1: in-process credential lookup through the vault service
 * (`vault.lookup.getCredentials(app, principal)`, an application user reading its own mapping),
 * against a floor measured in the same run: one prepared point read of the same credential row
 * straight from the database (better-sqlite3 on the same file opened read-only, or a pg named
 * statement on its own connection) plus one AES-256-GCM decrypt of it with the application's
 * real data key (`openFields`, as the service decrypts).
 *
 * Three phases (LOOKUP_PHASES): no cache hits (disableCredCache), cache hits, and cold (every
 * lookup resolved from the store). Lookups run one at a time (no concurrency), in batches; a
 * sample is a batch's time divided by its size. Service and floor batches alternate, in a
 * rotating order, within each phase.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { disposeKeyring } from '../src/keys/index.js';
import type { Principal, VaultService } from '../src/service/index.js';
import { type UnwrappedDataKey, openFields, unwrapDataKey } from '../src/vault/index.js';
import { type Summary, summarize } from './stats.js';
import { ADMIN, type BenchVault, benchApplication } from './vault-fixture.js';

export const LOOKUP_APP = 'Payroll';
export const LOOKUP_USERS_GROUP = 'CORP\\Payroll Users';
export const LOOKUP_ADMINS_GROUP = 'CORP\\Payroll Admins';

export interface LookupUser {
  principal: Principal;
  externalUser: string;
  password: string;
  mappingId: string;
}

export interface SeededLookupApp {
  applicationId: string;
  users: LookupUser[];
  /** How long seeding took through the service (application, then mapping + credentials per user). */
  seedMs: number;
}

/**
 * Creates the application (allowTickets on, enabled) and one mapping with credentials per
 * user, all through the vault service as an administrator would.
 */
export async function seedLookupApp(bench: BenchVault, userCount: number): Promise<SeededLookupApp> {
  const { vault, store } = bench;
  const started = performance.now();
  await vault.applications.create(benchApplication(LOOKUP_APP, { allowTickets: true, users: LOOKUP_USERS_GROUP, admins: LOOKUP_ADMINS_GROUP }), ADMIN);
  await vault.applications.setEnabled(LOOKUP_APP, true, ADMIN);
  const pending: Array<Omit<LookupUser, 'mappingId'>> = [];
  for (let i = 0; i < userCount; i++) {
    const id = String(i).padStart(5, '0');
    const principal: Principal = { name: `CORP\\user${id}`, groups: [LOOKUP_USERS_GROUP] };
    const externalUser = `payroll-${id}`;
    const password = `pw-${id}-${randomBytes(9).toString('base64url')}`;
    await vault.mappings.create(LOOKUP_APP, principal.name, externalUser, ADMIN);
    await vault.mappings.setCredentials(LOOKUP_APP, principal.name, [password], ADMIN);
    pending.push({ principal, externalUser, password });
  }
  const app = await store.getApplication(LOOKUP_APP);
  if (!app) throw new Error('seeded application is missing');
  const ids = new Map((await store.listMappings({ applicationId: app.id })).map((m) => [m.account.toLowerCase(), m.id]));
  const users = pending.map((user) => {
    const mappingId = ids.get(user.principal.name.toLowerCase());
    if (!mappingId) throw new Error(`no mapping was stored for ${user.principal.name}`);
    return { ...user, mappingId };
  });
  return { applicationId: app.id, users, seedMs: performance.now() - started };
}

/** The floor: reads one credential row by mapping id and decrypts it; returns the plaintext. */
interface Floor {
  /** Runs lookups for users[from .. from+count) (cyclically). */
  batch(users: readonly LookupUser[], from: number, count: number): void | Promise<void>;
  /** One lookup, for the correctness check. */
  one(user: LookupUser): string | Promise<string>;
  close(): Promise<void>;
}

const FLOOR_SQL = 'select ciphertext from credentials where mapping_id = ? and ordinal = 1';

/** Folded with every result, so nothing timed is dead code. */
let sink = 0;

function decryptRow(dataKey: UnwrappedDataKey, mappingId: string, ciphertext: Buffer): string {
  const value = openFields(dataKey, { kind: 'credential', mappingId }, [{ ordinal: 1, ciphertext }]).get(1);
  if (value === undefined) throw new Error('floor decrypt returned no field 1');
  return value;
}

function sqliteFloor(file: string, dataKey: UnwrappedDataKey): Floor {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  const statement = db.prepare<[string], { ciphertext: Buffer }>(FLOOR_SQL);
  const one = (user: LookupUser) => {
    const row = statement.get(user.mappingId);
    if (!row) throw new Error(`floor found no credential row for ${user.mappingId}`);
    return decryptRow(dataKey, user.mappingId, row.ciphertext);
  };
  return {
    one,
    batch(users, from, count) {
      for (let i = 0; i < count; i++) sink ^= one(users[(from + i) % users.length]!).length;
    },
    async close() {
      db.close();
    },
  };
}

async function postgresFloor(url: string, schema: string, dataKey: UnwrappedDataKey): Promise<Floor> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  // A named query is parsed and planned once per connection, then only bound and executed.
  const text = `select ciphertext from ${pg.escapeIdentifier(schema)}.credentials where mapping_id = $1 and ordinal = 1`;
  const one = async (user: LookupUser) => {
    const result = await client.query<{ ciphertext: Buffer }>({ name: 'tessera-bench-floor', text, values: [user.mappingId] });
    const row = result.rows[0];
    if (!row) throw new Error(`floor found no credential row for ${user.mappingId}`);
    return decryptRow(dataKey, user.mappingId, row.ciphertext);
  };
  return {
    one,
    async batch(users, from, count) {
      for (let i = 0; i < count; i++) sink ^= (await one(users[(from + i) % users.length]!)).length;
    },
    close: () => client.end(),
  };
}

export interface LookupBenchOptions {
  warmupRounds: number;
  rounds: number;
  /** Lookups per batch (per sample). */
  batch: number;
}

/** One way of running the service's lookups, timed against the floor in alternating batches. */
export interface LookupPhase {
  /** Microseconds per lookup. */
  serviceUs: Summary;
  floorUs: Summary;
  /** From the medians. */
  servicePerSecond: number;
  floorPerSecond: number;
  /** service lookups/s divided by floor lookups/s (medians). */
  ratio: number;
}

/**
 * - miss: the application has disableCredCache, so no lookup is a cache hit: each reads the
 *   mapping's credential fields with the store's change version (one statement, as the floor's
 *   one read) and decrypts them; what was decided about the caller (authorization, which mapping)
 *   is reused only while the version read with them is unchanged.
 * - hit: disableCredCache off, every user's answer cached (filled by the warm-up).
 * - cold: a second vault service on the same store whose cache holds one entry, cycling over
 *   every user: each lookup resolves from the store (application, mappings and fields in one
 *   query, authorization, checks, decrypt), as a lookup does after any change.
 */
export const LOOKUP_PHASES = ['miss', 'hit', 'cold'] as const;
export type LookupPhaseName = (typeof LOOKUP_PHASES)[number];

export interface LookupBenchResult {
  backend: 'sqlite' | 'postgres';
  where: string;
  users: number;
  seedMs: number;
  warmupRounds: number;
  rounds: number;
  batch: number;
  phases: Record<LookupPhaseName, LookupPhase>;
}

export async function runLookupBench(bench: BenchVault, seeded: SeededLookupApp, where: string, options: LookupBenchOptions): Promise<LookupBenchResult> {
  const { store, target } = bench;
  const { users } = seeded;

  // The application's real data key, through public exports only: unseal the keyring, unwrap.
  const keyring = await bench.keyring();
  const record = await store.getDataKey(seeded.applicationId);
  if (!record) throw new Error('the application has no data key');
  const dataKey = unwrapDataKey(record, keyring);
  disposeKeyring(keyring);

  const floor = target.kind === 'sqlite' ? sqliteFloor(target.file, dataKey) : await postgresFloor(target.url, target.schema, dataKey);
  try {
    // Both paths must return the stored password for every user before anything is timed.
    for (const vault of [bench.vault, bench.coldVault]) {
      for (const user of users) {
        const viaService = await vault.lookup.getCredentials(LOOKUP_APP, user.principal);
        const viaFloor = await floor.one(user);
        if (viaService.externalUser !== user.externalUser || viaService.fields[0]?.value !== user.password || viaFloor !== user.password) {
          throw new Error(`lookup of ${user.principal.name} returned the wrong credentials`);
        }
      }
    }
    const setCache = (disableCredCache: boolean) => bench.vault.applications.update(LOOKUP_APP, { flags: { disableCredCache } }, ADMIN);
    await setCache(true);
    const miss = await timePhase(bench.vault, users, floor, options);
    await setCache(false);
    const hit = await timePhase(bench.vault, users, floor, options);
    const cold = await timePhase(bench.coldVault, users, floor, options);
    return {
      backend: target.kind,
      where,
      users: users.length,
      seedMs: seeded.seedMs,
      warmupRounds: options.warmupRounds,
      rounds: options.rounds,
      batch: options.batch,
      phases: { miss, hit, cold },
    };
  } finally {
    await floor.close();
    dataKey.key.fill(0);
  }
}

async function timePhase(vault: VaultService, users: readonly LookupUser[], floor: Floor, options: LookupBenchOptions): Promise<LookupPhase> {
  const cursor = { service: 0, floor: 0 };
  const run = {
    service: async (count: number) => {
      const from = cursor.service;
      for (let i = 0; i < count; i++) {
        const credentials = await vault.lookup.getCredentials(LOOKUP_APP, users[(from + i) % users.length]!.principal);
        sink ^= credentials.fields.length;
      }
      cursor.service = (from + count) % users.length;
    },
    floor: async (count: number) => {
      await floor.batch(users, cursor.floor, count);
      cursor.floor = (cursor.floor + count) % users.length;
    },
  };
  const samples = { service: [] as number[], floor: [] as number[] };
  const subjects = ['service', 'floor'] as const;
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let j = 0; j < subjects.length; j++) {
      const subject = subjects[(j + round) % subjects.length]!;
      const start = performance.now();
      await run[subject](options.batch);
      const us = ((performance.now() - start) * 1000) / options.batch;
      if (round >= options.warmupRounds) samples[subject].push(us);
    }
  }
  const serviceUs = summarize(samples.service);
  const floorUs = summarize(samples.floor);
  return {
    serviceUs,
    floorUs,
    servicePerSecond: 1e6 / serviceUs.median,
    floorPerSecond: 1e6 / floorUs.median,
    ratio: floorUs.median / serviceUs.median,
  };
}

/** Keeps the sink observable, so the optimiser cannot drop the timed work. */
export function lookupSink(): number {
  return sink;
}
