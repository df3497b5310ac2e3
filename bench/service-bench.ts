/**
 * Part 1: backup, restore and verify through the real service layer, each against one bare
 * Argon2id hash with the same parameters, measured interleaved in the same process.
 *
 * Every one of these operations runs Argon2id exactly once, so the ratio to a bare hash shows
 * what the rest (file write + fsync + read-back, SQLite commits, events, sealing) costs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createEventEmitter } from '../src/events/index.js';
import { DEFAULT_KDF, type KdfParameters, argon2id, keyFileSealSource } from '../src/keys/index.js';
import { type Principal, createSecretService } from '../src/service/index.js';
import { openStore } from '../src/store/index.js';
import { type Summary, summarize } from './stats.js';

/** Satisfies the backup password policy (12+ characters, no run, not a common password). */
export const PASSWORD = 'bench amber-tiger 4711 lantern';
export const PRINCIPAL: Principal = { name: 'BENCH\\bench', localAdministrator: true };

export type Subject = 'argon2id' | 'backup' | 'restore' | 'verify';
export const SUBJECTS: readonly Subject[] = ['argon2id', 'backup', 'restore', 'verify'];

export interface ServiceBenchOptions {
  /** Directory for the vault (SQLite file, seal key, log) and the backup file. */
  directory: string;
  warmupRounds: number;
  rounds: number;
}

export interface ServiceBenchResult {
  kdf: KdfParameters;
  warmupRounds: number;
  rounds: number;
  /** Milliseconds per operation. */
  ms: Record<Subject, Summary>;
}

export async function runServiceBench(options: ServiceBenchOptions): Promise<ServiceBenchResult> {
  const { directory } = options;
  const kdf: KdfParameters = { ...DEFAULT_KDF };
  // Wired as src/cli/context.ts does, on a temporary home.
  const logger = pino(
    { base: { pid: process.pid, host: 'BENCH' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: join(directory, 'tessera.log'), sync: true, mkdir: true, mode: 0o600 }),
  );
  const store = await openStore({ kind: 'sqlite', file: join(directory, 'tessera.sqlite') });
  try {
    const now = () => new Date();
    const events = createEventEmitter({ sink: store, logger, now });
    const service = createSecretService({
      store,
      events,
      seal: keyFileSealSource(join(directory, 'seal.key')),
      kdf,
      computerName: 'BENCH',
      writer: 'tessera bench',
      now,
    });
    await service.init(PRINCIPAL);

    const file = join(directory, 'vault.bak');
    const password = async () => PASSWORD;
    const passwordBytes = Buffer.from(PASSWORD.normalize('NFC'), 'utf8');
    const operations: Record<Subject, () => Promise<unknown>> = {
      // What deriveBackupKeys runs: one hash of the password with a fresh 16-byte salt.
      argon2id: () => argon2id(passwordBytes, randomBytes(16), kdf),
      backup: () => service.backup({ file, force: true, reminder: null, password }, PRINCIPAL),
      restore: () => service.restore({ file, force: false, password }, PRINCIPAL),
      verify: () => service.verify({ file, password }, PRINCIPAL),
    };

    const samples: Record<Subject, number[]> = { argon2id: [], backup: [], restore: [], verify: [] };
    // The backup comes first once so restore and verify have a file to read.
    await operations.backup();
    const total = options.warmupRounds + options.rounds;
    for (let round = 0; round < total; round++) {
      // Rotate the order every round so no subject always runs first, or right after another.
      const order = SUBJECTS.map((_, index) => SUBJECTS[(index + round) % SUBJECTS.length]!);
      for (const subject of order) {
        const start = performance.now();
        await operations[subject]();
        const elapsed = performance.now() - start;
        if (round >= options.warmupRounds) samples[subject].push(elapsed);
      }
    }

    // The vault must still be sound after all that: a last verify must cover its current secret.
    const final = await service.verify({ file, password }, PRINCIPAL);
    if (final.coversCurrent !== true) throw new Error('benchmark vault ended in an unexpected state');

    return {
      kdf,
      warmupRounds: options.warmupRounds,
      rounds: options.rounds,
      ms: {
        argon2id: summarize(samples.argon2id),
        backup: summarize(samples.backup),
        restore: summarize(samples.restore),
        verify: summarize(samples.verify),
      },
    };
  } finally {
    await store.close();
    logger.flush();
  }
}
