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

/** A key id: 1 to 255 printable ASCII characters, no space (MSIDs, `dk:<version>`, `file:<hex>`). */
const KEY_ID = /^[\x21-\x7e]{1,255}$/;

export function sealEnvelope(key: Buffer, keyId: string, plaintext: Buffer, aad: Buffer): Buffer {
  assertKey(key);
  if (!KEY_ID.test(keyId)) throw new RangeError('key id must be 1 to 255 printable ASCII characters');
  const id = Buffer.from(keyId, 'ascii');
  const header = Buffer.concat([Buffer.from([ENVELOPE_VERSION, id.length]), id]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([aad, header]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

interface Envelope {
  keyId: string;
  header: Buffer;
  nonce: Buffer;
  body: Buffer;
  tag: Buffer;
}

/**
 * The one parser of envelopes: undefined for anything that is not one (wrong version, a key id
 * empty, unprintable or longer than the envelope, too short for nonce and tag). Every caller
 * turns that into the one decryption error, so stored bytes altered by hand cannot make any
 * other failure surface.
 */
function parseEnvelope(envelope: Buffer): Envelope | undefined {
  if (!Buffer.isBuffer(envelope) || envelope.length < 2 || envelope[0] !== ENVELOPE_VERSION) return undefined;
  const headerLength = 2 + envelope[1]!;
  if (envelope.length < headerLength + NONCE_BYTES + TAG_BYTES) return undefined;
  const keyId = envelope.subarray(2, headerLength).toString('latin1');
  if (!KEY_ID.test(keyId)) return undefined;
  return {
    keyId,
    header: envelope.subarray(0, headerLength),
    nonce: envelope.subarray(headerLength, headerLength + NONCE_BYTES),
    body: envelope.subarray(headerLength + NONCE_BYTES, envelope.length - TAG_BYTES),
    tag: envelope.subarray(envelope.length - TAG_BYTES),
  };
}

/** The key id an envelope names, so a keyring can pick the key; undefined when it is not an envelope. */
export function envelopeKeyId(envelope: Buffer): string | undefined {
  return parseEnvelope(envelope)?.keyId;
}

export function openEnvelope(key: Buffer, envelope: Buffer, aad: Buffer): Buffer {
  assertKey(key);
  // Every failure below (malformed, wrong key, tampered, moved) is the same error: the
  // answer must not tell an attacker which check failed.
  const parsed = parseEnvelope(envelope);
  if (parsed === undefined) throw decryptionFailed();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parsed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([aad, parsed.header]));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}

export function decryptionFailed(): TesseraError {
  return fail('DECRYPTION_FAILED', 'the data could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored');
}

function assertKey(key: Buffer): void {
  // Refuse short keys loudly rather than let a bug weaken encryption.
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}
