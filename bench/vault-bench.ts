/**
 * Part 3: the SSO vault, on temporary vaults wired as test/service/vault-harness.ts does.
 *
 * 1. credential lookup per second through the vault service, as a ratio to a floor measured in
 *    the same run (prepared point read of the same row + one AES-256-GCM decrypt with the
 *    application's real data key), without cache hits, with them, and cold; SQLite, and
 *    PostgreSQL when reachable;
 * 2. ticket issue and redeem per second;
 * 3. master secret rotation time as applications and mappings grow (fast Argon2id).
 *
 * BENCH_VAULT_SCALE (default 1) scales users, tickets, applications and mappings, e.g. 0.1 for
 * a quick run. TESSERA_BENCH_PG_URL names the PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/test); a fresh schema is made there and dropped at the end.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { round, table } from './stats.js';
import { FAST_KDF, dropSchema, freshSchemaName, openBenchVault, probePostgres } from './vault-fixture.js';
import { LOOKUP_PHASES, type LookupBenchResult, type LookupPhaseName, runLookupBench, seedLookupApp } from './vault-lookup.js';
import { type RotationBenchResult, type RotationPlanStep, runRotationBench } from './vault-rotation.js';
import { type TicketBenchResult, runTicketBench } from './vault-tickets.js';

/** Targets per phase (issue 7): service/floor at least this much. The cold phase has none. */
export const LOOKUP_TARGETS: Record<LookupPhaseName, number | undefined> = { miss: 0.7, hit: 2, cold: undefined };
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface VaultBenchOptions {
  directory: string;
  scale: number;
  pgUrl: string;
}

export type PostgresLookup = { skipped: false; result: LookupBenchResult } | { skipped: true; where: string; reason: string };

export interface VaultBenchResult {
  scale: number;
  lookup: { sqlite: LookupBenchResult; postgres: PostgresLookup };
  tickets: TicketBenchResult;
  rotation: RotationBenchResult;
  seconds: number;
}

/** A positive number from the environment (BENCH_VAULT_SCALE). */
export function envScale(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number (e.g. 0.1), not ${raw}`);
  return value;
}

const scaled = (count: number, scale: number, least: number) => Math.max(least, Math.round(count * scale));

export async function runVaultBench(options: VaultBenchOptions): Promise<VaultBenchResult> {
  const started = performance.now();
  const { scale } = options;
  const users = scaled(1000, scale, 20);
  const lookupBatch = Math.min(users, 250);

  // 1 and 2: one SQLite vault with the lookup application; tickets reuse its users.
  const sqliteFile = join(options.directory, 'lookup', 'tessera.sqlite');
  const sqliteVault = await openBenchVault(join(options.directory, 'lookup'), { kind: 'sqlite', file: sqliteFile });
  let sqlite: LookupBenchResult;
  let tickets: TicketBenchResult;
  try {
    const seeded = await seedLookupApp(sqliteVault, users);
    sqlite = await runLookupBench(sqliteVault, seeded, sqliteFile, { warmupRounds: 4, rounds: 31, batch: lookupBatch });
    tickets = await runTicketBench(sqliteVault, seeded.users, { warmupRounds: 1, rounds: 5, batch: scaled(200, scale, 10) });
  } finally {
    await sqliteVault.close();
  }

  let postgres: PostgresLookup;
  const probe = await probePostgres(options.pgUrl);
  if (!probe.reachable) {
    postgres = { skipped: true, where: probe.where, reason: probe.reason ?? 'unreachable' };
  } else {
    const schema = freshSchemaName();
    try {
      const pgVault = await openBenchVault(join(options.directory, 'postgres'), { kind: 'postgres', url: options.pgUrl, schema });
      try {
        const seeded = await seedLookupApp(pgVault, users);
        const result = await runLookupBench(pgVault, seeded, `${probe.where} (schema ${schema})`, {
          warmupRounds: 2,
          rounds: 15,
          batch: lookupBatch,
        });
        postgres = { skipped: false, result };
      } finally {
        await pgVault.close();
      }
    } finally {
      await dropSchema(options.pgUrl, schema);
    }
  }

  // 3: a vault of its own, grown step by step.
  const apps = [10, scaled(1000, scale, 10), scaled(10_000, scale, 10)] as const;
  const plan: RotationPlanStep[] = [
    { applications: apps[0], mappings: 0, rotations: 9 },
    { applications: apps[1], mappings: 0, rotations: 9 },
    { applications: apps[1], mappings: scaled(100_000, scale, 100), rotations: 9 },
    { applications: apps[2], mappings: scaled(100_000, scale, 100), rotations: 5 },
  ];
  const rotationVault = await openBenchVault(join(options.directory, 'rotation'), {
    kind: 'sqlite',
    file: join(options.directory, 'rotation', 'tessera.sqlite'),
  });
  let rotation: RotationBenchResult;
  try {
    rotation = await runRotationBench(rotationVault, plan, { warmupRotations: 2 });
  } finally {
    await rotationVault.close();
  }

  return { scale, lookup: { sqlite, postgres }, tickets, rotation, seconds: (performance.now() - started) / 1000 };
}

const count = (n: number) => n.toLocaleString('en-US');
const perSecond = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (median: number, min: number) => `${median.toFixed(1)} [${min.toFixed(1)}]`;

/** The tables of part 3. */
export function formatVaultBench(result: VaultBenchResult): string {
  const lines: string[] = [];
  const { memoryKiB, iterations, parallelism } = result.rotation.kdf;
  lines.push(`3. SSO vault (temporary vaults wired as test/service/vault-harness.ts; BENCH_VAULT_SCALE ${result.scale}; ` + `${result.seconds.toFixed(1)} s)`);

  // 3.1 --------------------------------------------------------------------------------
  const { sqlite, postgres } = result.lookup;
  lines.push(
    `3.1 Credential lookup, one call at a time: vault.lookup.getCredentials(app, user) by an application user for its own mapping, ` +
      `cycling over ${count(sqlite.users)} mapped users, vs the floor: a prepared point read of the same credential row ` +
      `+ one AES-256-GCM decrypt (openFields) with the application's real data key ` +
      `(µs per lookup: median [min] of ${sqlite.rounds} batches of ${sqlite.batch} on SQLite, after ${sqlite.warmupRounds} warm-up batches)`,
  );
  const PHASE_NAMES: Record<LookupPhaseName, string> = {
    miss: 'no cache hits (disableCredCache)',
    hit: 'cache hits',
    cold: 'cold (cache of 1 entry)',
  };
  const lookupRows = (name: string, r: LookupBenchResult) =>
    LOOKUP_PHASES.map((phase) => {
      const p = r.phases[phase];
      const target = LOOKUP_TARGETS[phase];
      return [
        name,
        PHASE_NAMES[phase],
        perSecond(p.servicePerSecond),
        perSecond(p.floorPerSecond),
        us(p.serviceUs.median, p.serviceUs.min),
        us(p.floorUs.median, p.floorUs.min),
        `${p.ratio.toFixed(3)}x`,
        target === undefined ? '-' : `${p.ratio >= target ? 'yes' : 'NO'} (>= ${target}x)`,
      ];
    });
  const rows = lookupRows('sqlite', sqlite);
  if (!postgres.skipped) rows.push(...lookupRows('postgres', postgres.result));
  lines.push(table(['store', 'lookups', 'service lookups/s', 'floor lookups/s', 'service µs', 'floor µs', 'ratio', 'target'], rows));
  lines.push('   no cache hits: each lookup reads the fields with the change version in one statement and decrypts; hits: served from memory,');
  lines.push('   the change version asked at most once a second; cold: a vault service whose cache holds one entry, so every lookup resolves from the store.');
  lines.push('   ratio: service lookups/s / floor lookups/s (medians).');
  lines.push(`   sqlite floor: better-sqlite3 on the same file, opened read-only: select ciphertext from credentials where mapping_id = ? and ordinal = 1`);
  if (postgres.skipped) {
    lines.push(`   postgres: skipped, ${postgres.where} is unreachable (${postgres.reason}); set TESSERA_BENCH_PG_URL`);
  } else {
    const r = postgres.result;
    lines.push(`   postgres: ${r.where}, dropped at the end; ${r.rounds} batches of ${r.batch} after ${r.warmupRounds} warm-up;`);
    lines.push('   postgres floor: one pg client, a named (server-side prepared) statement of the same select, + the same decrypt');
  }
  lines.push(
    `   seeded through the vault service: 1 application, then per user vault.mappings.create + setCredentials ` +
      `(sqlite ${(sqlite.seedMs / 1000).toFixed(1)} s` +
      (postgres.skipped ? ')' : `, postgres ${(postgres.result.seedMs / 1000).toFixed(1)} s)`),
  );
  lines.push('');

  // 3.2 --------------------------------------------------------------------------------
  const t = result.tickets;
  lines.push(
    `3.2 Tickets on the SQLite vault (ticketsAllowed and allowTickets on): per round, ${t.batch} users each issue one ticket, ` +
      `then an application administrator redeems each once (median [min] of ${t.rounds} rounds after ${t.warmupRounds} warm-up)`,
  );
  lines.push(
    table(
      ['operation', 'per second', 'µs per op'],
      [
        ['issue  (vault.tickets.issue)', perSecond(t.issuePerSecond), us(t.issueUs.median, t.issueUs.min)],
        ['redeem (vault.tickets.redeem)', perSecond(t.redeemPerSecond), us(t.redeemUs.median, t.redeemUs.min)],
        ['reference: one durable commit', perSecond(t.commitPerSecond), us(t.commitUs.median, t.commitUs.min)],
      ],
    ),
  );
  lines.push("   reference: better-sqlite3 inserting one row into the same file's redeemed_tickets (WAL, synchronous = FULL), one commit each:");
  lines.push(`   what a durable single-use record costs on this disk. redeem / reference = ${(t.redeemPerSecond / t.commitPerSecond).toFixed(2)}x.`);
  lines.push('');

  // 3.3 --------------------------------------------------------------------------------
  const r = result.rotation;
  lines.push(
    `3.3 Master secret rotation (secretService.generate: new secret, backup written + verified, every data key re-wrapped, ` +
      `keyring swapped) with Argon2id ${memoryKiB / 1024} MiB, ${iterations} pass, ${parallelism} lane for this part; ` +
      `bare Argon2id at that setting: median ${r.argon2idMs.median.toFixed(1)} ms [min ${r.argon2idMs.min.toFixed(1)}]`,
  );
  let previous: (typeof r.steps)[number] | undefined;
  const rotationRows = r.steps.map((step) => {
    const net = step.ms.median - step.argon2idMs.median;
    let change = '-';
    if (previous) {
      const delta = step.ms.median - previous.ms.median;
      const deltaOfMins = step.ms.min - previous.ms.min;
      const sign = delta >= 0 ? '+' : '';
      if (step.applications !== previous.applications) {
        const added = step.applications - previous.applications;
        change = `+${count(added)} apps: ${sign}${delta.toFixed(1)} ms = ${(delta / added).toFixed(4)} ms/app (mins: ${(deltaOfMins / added).toFixed(4)})`;
      } else if (step.mappings !== previous.mappings) {
        const added = step.mappings - previous.mappings;
        change = `+${count(added)} mappings: ${sign}${delta.toFixed(1)} ms = ${((delta * 1000) / added).toFixed(4)} µs/mapping (mins: ${((deltaOfMins * 1000) / added).toFixed(4)})`;
      }
    }
    previous = step;
    return [
      count(step.applications),
      count(step.mappings),
      String(step.rotations),
      step.ms.median.toFixed(1),
      step.ms.min.toFixed(1),
      step.argon2idMs.median.toFixed(1),
      net.toFixed(1),
      (net / step.applications).toFixed(4),
      change,
    ];
  });
  lines.push(
    table(
      ['applications', 'mappings', 'rotations', 'median ms', 'min ms', 'argon2id ms', 'minus argon2id', 'ms per app', 'change vs previous row: medians (mins)'],
      rotationRows,
    ),
  );
  lines.push('   ms per app: (median - argon2id) / applications; it includes fixed costs (backup file, fsyncs), so read the last column.');
  lines.push(
    `   seeded: ${count(r.seeding.applications)} applications via ${r.seeding.applicationsHow} (${(r.seeding.applicationsMs / 1000).toFixed(1)} s); ` +
      `${count(r.seeding.mappings)} mappings via ${r.seeding.mappingsHow} (${(r.seeding.mappingsMs / 1000).toFixed(1)} s).`,
  );
  lines.push(
    `   ${r.warmupRotations} warm-up rotations first; ${r.secretsAtEnd} master secrets in the keyring at the end (current and previous: older ones are pruned once every data key is re-wrapped); ` +
      'afterwards every data key is wrapped by the current secret and a seeded credential still decrypts through the service.',
  );
  return lines.join('\n');
}

/** The numbers of part 3 for the BENCH_JSON line. */
export function vaultJson(result: VaultBenchResult) {
  const summary = (s: { median: number; min: number; max: number }) => ({ median: round(s.median), min: round(s.min), max: round(s.max) });
  const lookup = (r: LookupBenchResult) => ({
    where: r.where,
    users: r.users,
    seedSeconds: round(r.seedMs / 1000, 2),
    warmupRounds: r.warmupRounds,
    rounds: r.rounds,
    batch: r.batch,
    phases: Object.fromEntries(
      LOOKUP_PHASES.map((phase) => {
        const p = r.phases[phase];
        const target = LOOKUP_TARGETS[phase];
        return [
          phase,
          {
            serviceUs: summary(p.serviceUs),
            floorUs: summary(p.floorUs),
            servicePerSecond: Math.round(p.servicePerSecond),
            floorPerSecond: Math.round(p.floorPerSecond),
            ratio: round(p.ratio),
            targetRatio: target ?? null,
            withinTarget: target === undefined ? null : p.ratio >= target,
          },
        ];
      }),
    ),
  });
  const { postgres } = result.lookup;
  const t = result.tickets;
  const r = result.rotation;
  return {
    scale: result.scale,
    lookup: {
      sqlite: lookup(result.lookup.sqlite),
      postgres: postgres.skipped ? { skipped: true, where: postgres.where, reason: postgres.reason } : lookup(postgres.result),
    },
    tickets: {
      warmupRounds: t.warmupRounds,
      rounds: t.rounds,
      batch: t.batch,
      issuePerSecond: Math.round(t.issuePerSecond),
      redeemPerSecond: Math.round(t.redeemPerSecond),
      durableCommitPerSecond: Math.round(t.commitPerSecond),
      issueUs: summary(t.issueUs),
      redeemUs: summary(t.redeemUs),
      durableCommitUs: summary(t.commitUs),
    },
    rotation: {
      kdf: { ...FAST_KDF },
      warmupRotations: r.warmupRotations,
      argon2idMs: summary(r.argon2idMs),
      steps: r.steps.map((step) => ({
        applications: step.applications,
        mappings: step.mappings,
        rotations: step.rotations,
        ms: summary(step.ms),
        argon2idMedianMs: round(step.argon2idMs.median),
        minusArgon2idMs: round(step.ms.median - step.argon2idMs.median),
        msPerApplication: round((step.ms.median - step.argon2idMs.median) / step.applications, 5),
      })),
      seeding: {
        applications: r.seeding.applications,
        applicationsSeconds: round(r.seeding.applicationsMs / 1000, 2),
        applicationsHow: r.seeding.applicationsHow,
        mappings: r.seeding.mappings,
        mappingsSeconds: round(r.seeding.mappingsMs / 1000, 2),
        mappingsHow: r.seeding.mappingsHow,
      },
      secretsAtEnd: r.secretsAtEnd,
    },
    seconds: round(result.seconds, 1),
  };
}
