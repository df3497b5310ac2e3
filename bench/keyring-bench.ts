/**
 * Part 2: sealing and unsealing the keyring with a key-file seal, against a floor of bare
 * AES-256-GCM (node:crypto) over the same number of plaintext bytes.
 *
 * Operations are timed in batches (one clock read per batch, not per microsecond-scale op);
 * a sample is the batch's time divided by its size. Cases are interleaved batch by batch, in a
 * rotating order, so drift (CPU frequency, GC, neighbours) falls on all of them alike.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Keyring, createKeyFile, disposeKeyring, generateMasterSecret, newKeyring, rotateKeyring, sealKeyring, unsealKeyring } from '../src/keys/index.js';
import { encodeKeyring } from '../src/keys/keyring.js';
import { type Summary, summarize } from './stats.js';

export type MicroCase = 'seal' | 'unseal' | 'gcmEncrypt' | 'gcmDecrypt';
const CASES: readonly MicroCase[] = ['seal', 'unseal', 'gcmEncrypt', 'gcmDecrypt'];

export interface KeyringBenchOptions {
  /** Directory for the seal key file. */
  directory: string;
  secretCounts: readonly number[];
  warmupRounds: number;
  rounds: number;
  batch: number;
}

export interface KeyringSizeResult {
  secrets: number;
  /** Bytes of the encoded keyring (the seal's plaintext, and the floor's). */
  plaintextBytes: number;
  /** Bytes of the sealed envelope. */
  sealedBytes: number;
  /** Microseconds per operation. */
  us: Record<MicroCase, Summary>;
}

export interface KeyringBenchResult {
  warmupRounds: number;
  rounds: number;
  batch: number;
  sizes: KeyringSizeResult[];
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Prepared {
  secrets: number;
  plaintextBytes: number;
  sealedBytes: number;
  run: Record<MicroCase, (count: number) => void>;
  /** Disposes what the last batch unsealed; not timed. */
  afterBatch(): void;
  dispose(): void;
}

/** Timed results are folded in here, so none of them is dead code; nothing reads it on purpose. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
let sink = 0;

function prepare(directory: string, secrets: number): Prepared {
  const seal = createKeyFile(join(directory, `seal-${secrets}.key`));
  const now = new Date();
  let keyring: Keyring = newKeyring(randomUUID(), generateMasterSecret('BENCH\\bench', now));
  for (let i = 1; i < secrets; i++) keyring = rotateKeyring(keyring, generateMasterSecret('BENCH\\bench', now));
  const vaultId = keyring.vaultId;
  const sealed = sealKeyring(seal, keyring);

  const plaintextBytes = encodeKeyring(keyring).length;
  const key = randomBytes(32);
  const plaintext = randomBytes(plaintextBytes);
  const encrypt = () => {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { nonce, body, tag: cipher.getAuthTag() };
  };
  const encrypted = encrypt();
  const decrypt = () => {
    const decipher = createDecipheriv('aes-256-gcm', key, encrypted.nonce, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(encrypted.tag);
    return Buffer.concat([decipher.update(encrypted.body), decipher.final()]);
  };

  // Unsealed keyrings are kept until the batch ends and disposed outside the timed region,
  // as a caller would dispose them after use.
  const unsealed: Keyring[] = [];
  const disposeUnsealed = () => {
    for (const ring of unsealed) disposeKeyring(ring);
    unsealed.length = 0;
  };
  return {
    secrets,
    plaintextBytes,
    sealedBytes: sealed.length,
    run: {
      seal: (count) => {
        for (let i = 0; i < count; i++) sink ^= sealKeyring(seal, keyring).length;
      },
      unseal: (count) => {
        for (let i = 0; i < count; i++) unsealed.push(unsealKeyring(seal, sealed, vaultId));
      },
      gcmEncrypt: (count) => {
        for (let i = 0; i < count; i++) sink ^= encrypt().body.length;
      },
      gcmDecrypt: (count) => {
        for (let i = 0; i < count; i++) sink ^= decrypt().length;
      },
    },
    afterBatch: disposeUnsealed,
    dispose: () => {
      disposeUnsealed();
      disposeKeyring(keyring);
      seal.dispose();
      key.fill(0);
    },
  };
}

export function runKeyringBench(options: KeyringBenchOptions): KeyringBenchResult {
  const prepared = options.secretCounts.map((count) => prepare(options.directory, count));
  const jobs = prepared.flatMap((size, sizeIndex) => CASES.map((name) => ({ size, sizeIndex, name })));
  const samples = prepared.map((): Record<MicroCase, number[]> => ({ seal: [], unseal: [], gcmEncrypt: [], gcmDecrypt: [] }));
  try {
    const total = options.warmupRounds + options.rounds;
    for (let round = 0; round < total; round++) {
      for (let j = 0; j < jobs.length; j++) {
        const job = jobs[(j + round) % jobs.length]!;
        const start = performance.now();
        job.size.run[job.name](options.batch);
        const elapsedUs = ((performance.now() - start) * 1000) / options.batch;
        job.size.afterBatch();
        if (round >= options.warmupRounds) samples[job.sizeIndex]![job.name].push(elapsedUs);
      }
    }
    return {
      warmupRounds: options.warmupRounds,
      rounds: options.rounds,
      batch: options.batch,
      sizes: prepared.map((size, index) => ({
        secrets: size.secrets,
        plaintextBytes: size.plaintextBytes,
        sealedBytes: size.sealedBytes,
        us: {
          seal: summarize(samples[index]!.seal),
          unseal: summarize(samples[index]!.unseal),
          gcmEncrypt: summarize(samples[index]!.gcmEncrypt),
          gcmDecrypt: summarize(samples[index]!.gcmDecrypt),
        },
      })),
    };
  } finally {
    for (const size of prepared) size.dispose();
  }
}
