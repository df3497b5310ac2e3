/**
 * The envelope parser is the one place stored bytes are split: anything that is not an envelope
 * is the one DECRYPTION_FAILED error when opened, and names no key id.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_VERSION, envelopeKeyId, openEnvelope, sealEnvelope } from '../../src/keys/index.js';
import { type UnwrappedDataKey, fieldKeyVersion, openFields, sealFields } from '../../src/vault/index.js';

const key = randomBytes(32);
const aad = Buffer.from('tessera/test');

/** An envelope with the given key id bytes and a body long enough for nonce and tag. */
function forged(id: Buffer, { version = ENVELOPE_VERSION, length = id.length, tail = 12 + 16 + 4 } = {}): Buffer {
  return Buffer.concat([Buffer.from([version, length]), id, randomBytes(tail)]);
}

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
  return undefined;
};

describe('envelope parsing', () => {
  const oneError = failure(() => openEnvelope(key, sealEnvelope(randomBytes(32), 'k1', Buffer.from('x'), aad), aad));

  it.each([
    ['empty', Buffer.alloc(0)],
    ['a version byte only', Buffer.from([ENVELOPE_VERSION])],
    ['another version', forged(Buffer.from('k1'), { version: 2 })],
    ['a key id of length 0', forged(Buffer.alloc(0))],
    ['a key id longer than the envelope', forged(Buffer.from('k1'), { length: 255 })],
    ['no room for nonce and tag', forged(Buffer.from('k1'), { tail: 27 })],
    ['a key id with a space', forged(Buffer.from('dk 1'))],
    ['a key id with a control character', forged(Buffer.from('dk:\n'))],
    ['a key id with a byte above ASCII', forged(Buffer.from([0x64, 0x6b, 0x3a, 0xb9]))],
  ])('%s: no key id, and opening it is the one DECRYPTION_FAILED error', (_name, envelope) => {
    expect(envelopeKeyId(envelope)).toBeUndefined();
    expect(oneError?.code).toBe('DECRYPTION_FAILED');
    expect(failure(() => openEnvelope(key, envelope, aad))).toEqual(oneError);
  });

  it('reads a key id of 255 printable characters', () => {
    const id = '~'.repeat(255);
    const sealed = sealEnvelope(key, id, Buffer.from('x'), aad);
    expect(envelopeKeyId(sealed)).toBe(id);
    expect(openEnvelope(key, sealed, aad).toString()).toBe('x');
  });

  it.each(['', ' ', 'dk 1', 'dk:\u00e9', 'a'.repeat(256), 'tab\there'])('refuses to seal under key id %j', (id) => {
    expect(() => sealEnvelope(key, id, Buffer.from('x'), aad)).toThrow(RangeError);
  });
});

describe('the data key version a sealed field names', () => {
  const dataKey: UnwrappedDataKey = { applicationId: 'app-a', version: 1, key };
  const owner = { kind: 'credential', mappingId: 'm1' } as const;
  const [sealed] = sealFields(dataKey, owner, new Map([[1, 'pw']]));

  it('is read from an envelope sealFields wrote', () => {
    expect(fieldKeyVersion(sealed!)).toBe(1);
    expect(openFields(dataKey, owner, [sealed!]).get(1)).toBe('pw');
  });

  it.each(['dk:0', 'dk:01', 'dk:1e0', 'dk:+1', 'dk:-1', 'dk:', 'dk:1.0', 'dk:0x1', 'DK:1', 'dk:1234567890', 'k1'])(
    'is DECRYPTION_FAILED for the key id %s',
    (id) => {
      const tampered = { ordinal: 1, ciphertext: Buffer.concat([Buffer.from([ENVELOPE_VERSION, id.length]), Buffer.from(id), sealed!.ciphertext.subarray(6)]) };
      expect(failure(() => fieldKeyVersion(tampered))?.code).toBe('DECRYPTION_FAILED');
      expect(failure(() => openFields(dataKey, owner, [tampered]))?.code).toBe('DECRYPTION_FAILED');
    },
  );

  it('is DECRYPTION_FAILED when it names another version than the key given', () => {
    const tampered = { ordinal: 1, ciphertext: Buffer.from(sealed!.ciphertext) };
    tampered.ciphertext.write('2', 5, 'ascii');
    expect(fieldKeyVersion(tampered)).toBe(2);
    expect(failure(() => openFields(dataKey, owner, [tampered]))?.code).toBe('DECRYPTION_FAILED');
  });
});
