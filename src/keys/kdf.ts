import { hashRaw } from '@node-rs/argon2';
import { hkdfSync } from 'node:crypto';
import { fail } from '../errors/index.js';

/** Argon2id parameters, as stored in a backup file. */
export interface KdfParameters {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/**
 * 256 MiB, 4 passes, 4 lanes: four times RFC 9106's second recommendation, since a backup file
 * is written and read rarely but may be stolen and attacked offline for years.
 */
export const DEFAULT_KDF: Readonly<KdfParameters> = Object.freeze({ memoryKiB: 262_144, iterations: 4, parallelism: 4 });

/**
 * What Tessera writes (TESSERA_BACKUP_KDF is checked against these) and therefore all a real
 * backup can ask for. The floor keeps a configured or forged file from being cheap to attack;
 * the ceilings keep a forged header from costing a restore more than four times the default's
 * memory (1 GiB) and work (memory × passes), so it cannot exhaust the restoring machine.
 */
export const KDF_BOUNDS = Object.freeze({
  memoryKiB: { min: 8_192, max: 1_048_576 },
  iterations: { min: 1, max: 16 },
  parallelism: { min: 1, max: 16 },
});
/** KiB × passes: 4 × DEFAULT_KDF's 262,144 × 4. */
export const KDF_MAX_WORK = 4_194_304;

export function kdfParametersProblem(parameters: KdfParameters): string | undefined {
  for (const name of ['memoryKiB', 'iterations', 'parallelism'] as const) {
    const value = parameters[name];
    const { min, max } = KDF_BOUNDS[name];
    if (!Number.isSafeInteger(value) || value < min || value > max) return `${name} must be an integer from ${min} to ${max}, not ${value}`;
  }
  const work = parameters.memoryKiB * parameters.iterations;
  if (work > KDF_MAX_WORK) return `memoryKiB × iterations must be at most ${KDF_MAX_WORK}, not ${work}`;
  return undefined;
}

export interface DerivedKeys {
  encryptionKey: Buffer;
  /** Stored in the file, so a wrong password is told apart from a damaged file. */
  passwordCheck: Buffer;
}

// @node-rs/argon2 declares these as const enums, which per-file transpilers cannot inline.
const ARGON2ID = 2;
const VERSION_0X13 = 1;

/** Argon2id stretches the password; HKDF splits the result into independent keys. */
export async function deriveBackupKeys(password: string, salt: Buffer, parameters: KdfParameters): Promise<DerivedKeys> {
  const problem = kdfParametersProblem(parameters);
  if (problem) throw fail('BACKUP_UNSAFE_PARAMETERS', `unsafe Argon2id parameters: ${problem}`);
  const passwordBytes = Buffer.from(password.normalize('NFC'), 'utf8');
  let stretched: Buffer | undefined;
  try {
    stretched = await argon2id(passwordBytes, salt, parameters);
    return {
      encryptionKey: Buffer.from(hkdfSync('sha256', stretched, salt, 'tessera backup v1 encryption key', 32)),
      passwordCheck: Buffer.from(hkdfSync('sha256', stretched, salt, 'tessera backup v1 password check', 32)),
    };
  } finally {
    passwordBytes.fill(0);
    stretched?.fill(0);
  }
}

/** One Argon2id hash to 32 bytes; also the benchmark's baseline. */
export function argon2id(password: Buffer | string, salt: Buffer, parameters: KdfParameters): Promise<Buffer> {
  return hashRaw(password, {
    salt,
    memoryCost: parameters.memoryKiB,
    timeCost: parameters.iterations,
    parallelism: parameters.parallelism,
    outputLen: 32,
    algorithm: ARGON2ID as never,
    version: VERSION_0X13 as never,
  });
}
