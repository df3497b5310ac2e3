import { randomBytes, randomUUID } from 'node:crypto';
import { fail } from '../errors/index.js';
import { KEY_BYTES } from './aead.js';
import type { Seal } from './seal.js';

/** 256 random bits, named by an MSID (a GUID, as in ENTSSO). */
export interface MasterSecret {
  readonly msid: string;
  readonly key: Buffer;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** The master secrets of one vault: the current one and the previous ones, newest first. */
export interface Keyring {
  readonly vaultId: string;
  readonly current: MasterSecret;
  readonly previous: readonly MasterSecret[];
}

/** What can be said about a keyring without its keys. */
export interface KeyringFacts {
  vaultId: string;
  current: SecretFacts;
  previous: SecretFacts[];
}
export type SecretFacts = Omit<MasterSecret, 'key'>;

const FORMAT = 1;

export function generateMasterSecret(createdBy: string, now: Date): MasterSecret {
  return { msid: randomUUID(), key: randomBytes(KEY_BYTES), createdAt: now.toISOString(), createdBy };
}

export function newKeyring(vaultId: string, first: MasterSecret): Keyring {
  return { vaultId, current: first, previous: [] };
}

/**
 * Makes `next` current and keeps every earlier secret: data sealed under them must stay
 * readable until it is re-wrapped. Pruning unreferenced secrets is the vault's decision.
 */
export function rotateKeyring(keyring: Keyring, next: MasterSecret): Keyring {
  return { vaultId: keyring.vaultId, current: next, previous: [keyring.current, ...keyring.previous] };
}

export function keyringFacts(keyring: Keyring): KeyringFacts {
  const facts = ({ msid, createdAt, createdBy }: MasterSecret): SecretFacts => ({ msid, createdAt, createdBy });
  return { vaultId: keyring.vaultId, current: facts(keyring.current), previous: keyring.previous.map(facts) };
}

export function allSecrets(keyring: Keyring): MasterSecret[] {
  return [keyring.current, ...keyring.previous];
}

export function findSecret(keyring: Keyring, msid: string): MasterSecret | undefined {
  return allSecrets(keyring).find((secret) => secret.msid === msid);
}

/** Zeroes every key; call when a keyring leaves memory. */
export function disposeKeyring(keyring: Keyring | undefined): void {
  if (!keyring) return;
  for (const secret of allSecrets(keyring)) secret.key.fill(0);
}

/**
 * Binary encoding: [u32 length of facts JSON][facts JSON][32-byte keys in facts order].
 * Keys stay out of the JSON so they never live in an immutable JS string.
 */
export function encodeKeyring(keyring: Keyring): Buffer {
  const secrets = allSecrets(keyring);
  const facts = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      vaultId: keyring.vaultId,
      secrets: secrets.map(({ msid, createdAt, createdBy }) => ({ msid, createdAt, createdBy })),
    }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(facts.length);
  return Buffer.concat([length, facts, ...secrets.map((secret) => secret.key)]);
}

/** Any malformed input is the one DECRYPTION_FAILED error, like every other unsealing failure. */
export function decodeKeyring(bytes: Buffer): Keyring {
  const malformed = () => fail('DECRYPTION_FAILED', 'the keyring does not have the expected layout');
  if (bytes.length < 4) throw malformed();
  const factsLength = bytes.readUInt32BE(0);
  if (bytes.length < 4 + factsLength) throw malformed();
  let parsed: { format?: unknown; vaultId?: unknown; secrets?: unknown };
  try {
    parsed = JSON.parse(bytes.subarray(4, 4 + factsLength).toString('utf8')) as typeof parsed;
  } catch {
    throw malformed();
  }
  const entries = parsed.secrets;
  if (parsed.format !== FORMAT || typeof parsed.vaultId !== 'string' || !Array.isArray(entries) || entries.length === 0) {
    throw malformed();
  }
  if (bytes.length !== 4 + factsLength + entries.length * KEY_BYTES) throw malformed();
  const secrets = entries.map((entry: Record<string, unknown>, index: number): MasterSecret => {
    if (typeof entry.msid !== 'string' || typeof entry.createdAt !== 'string' || typeof entry.createdBy !== 'string') {
      throw malformed();
    }
    const key = Buffer.alloc(KEY_BYTES); // not pooled, so zeroing it really erases it
    bytes.copy(key, 0, 4 + factsLength + index * KEY_BYTES);
    return { msid: entry.msid, key, createdAt: entry.createdAt, createdBy: entry.createdBy };
  });
  const [current, ...previous] = secrets as [MasterSecret, ...MasterSecret[]];
  return { vaultId: parsed.vaultId, current, previous };
}

/** Associated data binding a sealed keyring to its vault. */
function keyringAad(vaultId: string): Buffer {
  return Buffer.from(`tessera/keyring/v1/vault=${vaultId}`, 'utf8');
}

export function sealKeyring(seal: Seal, keyring: Keyring): Buffer {
  const plaintext = encodeKeyring(keyring);
  try {
    return seal.seal(plaintext, keyringAad(keyring.vaultId));
  } finally {
    plaintext.fill(0);
  }
}

/** Unseals the keyring stored for `vaultId`; any failure is the one DECRYPTION_FAILED error. */
export function unsealKeyring(seal: Seal, sealed: Buffer, vaultId: string): Keyring {
  const plaintext = seal.unseal(sealed, keyringAad(vaultId));
  try {
    const keyring = decodeKeyring(plaintext);
    if (keyring.vaultId !== vaultId) {
      disposeKeyring(keyring);
      throw fail('DECRYPTION_FAILED', 'the keyring belongs to another vault');
    }
    return keyring;
  } finally {
    plaintext.fill(0);
  }
}
