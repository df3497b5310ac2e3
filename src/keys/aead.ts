import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fail, type TesseraError } from '../errors/index.js';

/**
 * AES-256-GCM envelopes that name their format version and key id.
 *
 *   [version u8 = 1][key id length u8][key id, ASCII][nonce 12][ciphertext][tag 16]
 *
 * The GCM associated data is the caller's `aad` (where the value lives) followed by the
 * envelope header, so a value moved to another row, sealed under another key, or relabelled
 * with another version fails to open.
 */
export const ENVELOPE_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function sealEnvelope(key: Buffer, keyId: string, plaintext: Buffer, aad: Buffer): Buffer {
  assertKey(key);
  const id = Buffer.from(keyId, 'ascii');
  if (id.length === 0 || id.length > 255) throw new RangeError('key id must be 1 to 255 ASCII bytes');
  const header = Buffer.concat([Buffer.from([ENVELOPE_VERSION, id.length]), id]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([aad, header]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

/** The key id an envelope names, so a keyring can pick the key; undefined when malformed. */
export function envelopeKeyId(envelope: Buffer): string | undefined {
  if (envelope.length < 2 || envelope[0] !== ENVELOPE_VERSION) return undefined;
  const idLength = envelope[1]!;
  if (envelope.length < 2 + idLength + NONCE_BYTES + TAG_BYTES) return undefined;
  return envelope.subarray(2, 2 + idLength).toString('ascii');
}

export function openEnvelope(key: Buffer, envelope: Buffer, aad: Buffer): Buffer {
  assertKey(key);
  const keyId = envelopeKeyId(envelope);
  // Every failure below (malformed, wrong key, tampered, moved) is the same error: the
  // answer must not tell an attacker which check failed.
  if (keyId === undefined) throw decryptionFailed();
  const headerLength = 2 + envelope[1]!;
  const header = envelope.subarray(0, headerLength);
  const nonce = envelope.subarray(headerLength, headerLength + NONCE_BYTES);
  const tag = envelope.subarray(envelope.length - TAG_BYTES);
  const body = envelope.subarray(headerLength + NONCE_BYTES, envelope.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([aad, header]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}

export function decryptionFailed(): TesseraError {
  return fail(
    'DECRYPTION_FAILED',
    'the data could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored',
  );
}

function assertKey(key: Buffer): void {
  // Refuse short keys loudly rather than let a bug weaken encryption.
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}
