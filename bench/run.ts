/**
 * `npm run bench`: how much the master secret operations cost beyond what they must.
 *
 * 1. backup, restore and verify at the default Argon2id parameters, through the service layer
 *    on a temporary SQLite vault, as a ratio to one bare Argon2id hash measured in the same run
 *    (target: at most 1.2x; each operation runs exactly one hash).
 * 2. sealing and unsealing the keyring (1 and 10 secrets) in microseconds, as a ratio to bare
 *    AES-256-GCM over the same number of bytes.
 * 3. the SSO vault (bench/vault-bench.ts): credential lookups per second through the vault
 *    service as a ratio to a prepared point read + one AES-256-GCM decrypt of the same row
 *    (targets: at least 0.7x without cache hits, 2x on cache hits; SQLite, and PostgreSQL when reachable), ticket issue and redeem per
 *    second, and master secret rotation time as applications and mappings grow.
 * 4. the HTTP API (bench/http-bench.ts) at concurrency 64, load from a separate process: lookups
 *    vs a bare fastify route (requests per second >= 0.5x, p99 <= 2x) and ticket redeems vs one
 *    durable commit per request (>= 1x). BENCH_HTTP_SECONDS, BENCH_HTTP_TICKETS size it.
 * 5. ENTSSO XML import (bench/xml-bench.ts): a mappings file near the 16 MiB limit read as
 *    ssomanage -createmappings reads it, in UTF-8 and UTF-16, as a ratio to fast-xml-parser alone
 *    on the same text. BENCH_XML_MIB (default 15) and BENCH_XML_ROUNDS (default 5) size it.
 *
 * Prints tables, then one line `BENCH_JSON {...}` with every number. This is a measurement,
 * not a test: it exits 0 whatever the ratios are. Environment knobs: BENCH_ROUNDS,
 * BENCH_WARMUP (part 1), BENCH_MICRO_ROUNDS, BENCH_MICRO_BATCH (part 2), BENCH_VAULT_SCALE (part 3:
 * users, tickets, applications and mappings; e.g. 0.1 for a quick run), TESSERA_BENCH_PG_URL (part 3's
 * PostgreSQL; skipped when unreachable), BENCH_DIR (where the temporary vaults go; default the OS
 * temp directory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runKeyringBench } from './keyring-bench.js';
import { cpuSnapshot, othersShare } from './machine.js';
import { SUBJECTS, runServiceBench } from './service-bench.js';
import { envInt, round, table } from './stats.js';
import { formatHttpBench, runHttpBench } from './http-bench.js';
import { DEFAULT_PG_URL, envScale, formatVaultBench, runVaultBench, vaultJson } from './vault-bench.js';
import { formatXmlBench, runXmlBench, xmlJson } from './xml-bench.js';

const TARGET_RATIO = 1.2;
/** Above this share of CPU time used by other processes, the run is flagged as noisy. */
const BUSY_SHARE = 0.1;

async function main(): Promise<void> {
  const started = performance.now();
  const cpuBefore = cpuSnapshot();
  // As the CLI does: everything created in the vault's home is for this user only.
  process.umask(0o077);
  const base = process.env.BENCH_DIR || tmpdir();
  const directory = mkdtempSync(join(base, 'tessera-bench-'));
  try {
    const cpu = cpus();
    const loadBefore = loadavg()[0]!;
    console.log(`Tessera benchmark: node ${process.version} ${platform()}/${arch()}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}`);
    console.log(`temporary vault in ${directory}; 1-minute load average ${loadBefore.toFixed(2)}\n`);

    // Part 1 ---------------------------------------------------------------------------
    const service = await runServiceBench({
      directory: join(directory, 'vault'),
      warmupRounds: envInt('BENCH_WARMUP', 5),
      rounds: envInt('BENCH_ROUNDS', 41),
    });
    const base1 = service.ms.argon2id.median;
    const { memoryKiB, iterations, parallelism } = service.kdf;
    console.log(
      `1. Master secret operations vs one bare Argon2id hash (${memoryKiB / 1024} MiB, ${iterations} iterations, ` +
        `${parallelism} lanes; ${service.warmupRounds} warm-up + ${service.rounds} rounds, order rotated each round)`,
    );
    console.log(
      table(
        ['operation', 'median ms', 'min ms', 'max ms', 'ratio (medians)', 'ratio (mins)', 'overhead ms', `<= ${TARGET_RATIO}x`],
        SUBJECTS.map((subject) => {
          const s = service.ms[subject];
          const isBaseline = subject === 'argon2id';
          return [
            isBaseline ? 'argon2id (baseline)' : subject,
            s.median.toFixed(1),
            s.min.toFixed(1),
            s.max.toFixed(1),
            `${(s.median / base1).toFixed(2)}x`,
            `${(s.min / service.ms.argon2id.min).toFixed(2)}x`,
            isBaseline ? '-' : (s.median - base1).toFixed(1),
            isBaseline ? '-' : s.median / base1 <= TARGET_RATIO ? 'yes' : 'NO',
          ];
        }),
      ),
    );
    console.log();

    // Part 2 ---------------------------------------------------------------------------
    const keyring = runKeyringBench({
      directory: join(directory, 'seal'),
      secretCounts: [1, 10],
      warmupRounds: 10,
      rounds: envInt('BENCH_MICRO_ROUNDS', 101),
      batch: envInt('BENCH_MICRO_BATCH', 200),
    });
    console.log(
      `2. Keyring seal/unseal (key-file seal) vs bare AES-256-GCM of the same bytes, µs per op ` +
        `(median of ${keyring.rounds} batches of ${keyring.batch}; min in brackets)`,
    );
    const us = (median: number, min: number) => `${median.toFixed(2)} [${min.toFixed(2)}]`;
    const sizes = keyring.sizes.map((size) => {
      const { seal, unseal, gcmEncrypt, gcmDecrypt } = size.us;
      const pair = seal.median + unseal.median;
      const floor = gcmEncrypt.median + gcmDecrypt.median;
      return { size, pair, floor, ratio: pair / floor };
    });
    console.log(
      table(
        ['secrets', 'bytes', 'seal', 'unseal', 'seal+unseal', 'GCM enc', 'GCM dec', 'GCM enc+dec', 'ratio'],
        sizes.map(({ size, pair, floor, ratio }) => [
          String(size.secrets),
          String(size.plaintextBytes),
          us(size.us.seal.median, size.us.seal.min),
          us(size.us.unseal.median, size.us.unseal.min),
          pair.toFixed(2),
          us(size.us.gcmEncrypt.median, size.us.gcmEncrypt.min),
          us(size.us.gcmDecrypt.median, size.us.gcmDecrypt.min),
          floor.toFixed(2),
          `${ratio.toFixed(2)}x`,
        ]),
      ),
    );
    console.log('   bytes: encoded keyring (the plaintext of both). GCM floor: node:crypto, fresh 12-byte nonce, no AAD, 16-byte tag.');
    console.log('   ratio: (seal + unseal) / (GCM encrypt + GCM decrypt), medians.');
    console.log();

    // Part 3 ---------------------------------------------------------------------------
    const vault = await runVaultBench({
      directory: join(directory, 'sso-vault'),
      scale: envScale('BENCH_VAULT_SCALE', 1),
      pgUrl: process.env.TESSERA_BENCH_PG_URL || DEFAULT_PG_URL,
    });
    console.log(formatVaultBench(vault));

    // Part 4 ---------------------------------------------------------------------------
    const http = await runHttpBench({
      directory: join(directory, 'http'),
      connections: 64,
      seconds: envInt('BENCH_HTTP_SECONDS', 5),
      tickets: envInt('BENCH_HTTP_TICKETS', 10_000),
    });
    console.log(`\n${formatHttpBench(http)}`);

    // Part 5 ---------------------------------------------------------------------------
    const xml = runXmlBench({ mebibytes: envInt('BENCH_XML_MIB', 15), rounds: envInt('BENCH_XML_ROUNDS', 5) });
    console.log(`\n${formatXmlBench(xml)}`);

    const seconds = (performance.now() - started) / 1000;
    const others = othersShare(cpuBefore, cpuSnapshot());
    console.log(
      `\ntotal ${seconds.toFixed(1)} s; other processes used ` +
        (others === undefined ? 'an unknown share' : `${(others * 100).toFixed(1)}%`) +
        ` of the ${cpu.length} CPUs meanwhile`,
    );
    if (others !== undefined && others > BUSY_SHARE) {
      console.log(`warning: the machine was busy (over ${BUSY_SHARE * 100}% used by others); these numbers are noisy, rerun when idle`);
    }

    const ms = (subject: (typeof SUBJECTS)[number]) => {
      const s = service.ms[subject];
      return {
        medianMs: round(s.median),
        minMs: round(s.min),
        maxMs: round(s.max),
        ...(subject === 'argon2id'
          ? {}
          : {
              ratio: round(s.median / base1),
              ratioOfMins: round(s.min / service.ms.argon2id.min),
              overheadMs: round(s.median - base1),
              withinTarget: s.median / base1 <= TARGET_RATIO,
            }),
      };
    };
    const microUs = (s: { median: number; min: number }) => ({ medianUs: round(s.median), minUs: round(s.min) });
    const json = {
      node: process.version,
      platform: `${platform()}/${arch()}`,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? null,
      loadAverageBefore: round(loadBefore, 2),
      othersCpuShare: others === undefined ? null : round(others),
      targetRatio: TARGET_RATIO,
      http,
      xml: xmlJson(xml),
      service: {
        kdf: service.kdf,
        warmupRounds: service.warmupRounds,
        rounds: service.rounds,
        argon2id: ms('argon2id'),
        backup: ms('backup'),
        restore: ms('restore'),
        verify: ms('verify'),
      },
      keyring: {
        warmupRounds: keyring.warmupRounds,
        rounds: keyring.rounds,
        batch: keyring.batch,
        sizes: sizes.map(({ size, pair, floor, ratio }) => ({
          secrets: size.secrets,
          plaintextBytes: size.plaintextBytes,
          sealedBytes: size.sealedBytes,
          seal: microUs(size.us.seal),
          unseal: microUs(size.us.unseal),
          gcmEncrypt: microUs(size.us.gcmEncrypt),
          gcmDecrypt: microUs(size.us.gcmDecrypt),
          sealPlusUnsealUs: round(pair),
          gcmFloorUs: round(floor),
          ratio: round(ratio),
        })),
      },
      vault: vaultJson(vault),
      totalSeconds: round(seconds, 1),
    };
    console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
