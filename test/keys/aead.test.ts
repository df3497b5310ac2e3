import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeKeyId, openEnvelope, sealEnvelope } from '../../src/keys/index.js';

const key = randomBytes(32);
const aad = Buffer.from('app=payroll/mapping=7/field=1');

function openError(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

describe('AES-256-GCM envelopes', () => {
  it('round-trips and names its key id', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('secret value'), aad);
    expect(envelopeKeyId(sealed)).toBe('k1');
    expect(openEnvelope(key, sealed, aad).toString()).toBe('secret value');
  });

  it('uses a fresh nonce each time', () => {
    const a = sealEnvelope(key, 'k1', Buffer.from('same'), aad);
    const b = sealEnvelope(key, 'k1', Buffer.from('same'), aad);
    expect(a.equals(b)).toBe(false);
  });

  it('gives one and the same error for a moved value, a wrong key and a flipped bit', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('secret value'), aad);
    const moved = openError(() => openEnvelope(key, sealed, Buffer.from('app=payroll/mapping=8/field=1')));
    const wrongKey = openError(() => openEnvelope(randomBytes(32), sealed, aad));
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 20]! ^= 1;
    const tampered = openError(() => openEnvelope(key, flipped, aad));
    expect(moved).toMatch(/^DECRYPTION_FAILED: /);
    expect(wrongKey).toBe(moved);
    expect(tampered).toBe(moved);
  });

  it('detects any single flipped bit anywhere in the envelope, with the same error', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('a credential field'), aad);
    const expected = openError(() => openEnvelope(key, Buffer.alloc(0), aad));
    fc.assert(
      fc.property(fc.nat(sealed.length - 1), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        const copy = Buffer.from(sealed);
        copy[index]! ^= 1 << bit;
        expect(openError(() => openEnvelope(key, copy, aad))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => sealEnvelope(randomBytes(16), 'k1', Buffer.from('x'), aad)).toThrow(/32-byte key/);
  });
});

describe('envelope edges', () => {
  it('takes key ids of 1 to 255 bytes, and refuses an empty one or a longer one', () => {
    for (const keyId of ['k', 'x'.repeat(255)]) {
      const sealed = sealEnvelope(key, keyId, Buffer.from('v'), aad);
      expect(envelopeKeyId(sealed)).toBe(keyId);
      expect(sealed[1]).toBe(keyId.length);
      expect(openEnvelope(key, sealed, aad).toString()).toBe('v');
    }
    for (const keyId of ['', 'x'.repeat(256)]) {
      expect(() => sealEnvelope(key, keyId, Buffer.from('v'), aad)).toThrow(new RangeError('key id must be 1 to 255 printable ASCII characters'));
    }
  });

  it('seals and opens an empty value, the shortest envelope there is', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.alloc(0), aad);
    expect(sealed.length).toBe(2 + 2 + 12 + 16);
    expect(envelopeKeyId(sealed)).toBe('k1');
    expect(openEnvelope(key, sealed, aad).length).toBe(0);
  });

  it('names no key id for anything that is not an envelope: empty, another version, cut short', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('v'), aad);
    const otherVersion = Buffer.from(sealed);
    otherVersion[0] = 2;
    expect(envelopeKeyId(Buffer.alloc(0))).toBeUndefined();
    expect(envelopeKeyId(Buffer.from([1]))).toBeUndefined();
    expect(envelopeKeyId(otherVersion)).toBeUndefined();
    expect(envelopeKeyId(sealed.subarray(0, 2 + 2 + 12 + 15))).toBeUndefined();
    expect(envelopeKeyId(sealed.subarray(0, 2 + 2 + 12 + 16))).toBe('k1');
  });

  it('gives DECRYPTION_FAILED, worded once, for every malformed envelope', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('v'), aad);
    const otherVersion = Buffer.from(sealed);
    otherVersion[0] = 0;
    const longerId = Buffer.from(sealed);
    longerId[1] = 200; // names a key id running past the end
    const expected = 'DECRYPTION_FAILED: the data could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored';
    for (const malformed of [Buffer.alloc(0), Buffer.from([1]), Buffer.from([1, 0]), otherVersion, longerId, sealed.subarray(0, 20)]) {
      expect(openError(() => openEnvelope(key, malformed, aad))).toBe(expected);
    }
  });

  it('refuses an authentic envelope of another format version, though its tag is right', () => {
    const header = Buffer.from([2, 2, ...Buffer.from('k1')]);
    const nonce = Buffer.alloc(12, 9);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.concat([aad, header]));
    const version2 = Buffer.concat([header, nonce, cipher.update('v'), cipher.final(), cipher.getAuthTag()]);
    expect(envelopeKeyId(version2)).toBeUndefined();
    expect(openError(() => openEnvelope(key, version2, aad))).toMatch(/^DECRYPTION_FAILED: /);
  });

  // Bug (aead.ts, owned by another helper): envelopeKeyId accepts a key id of length 0, which
  // sealEnvelope never writes, so such an envelope opens. Expected to pass once envelope parsing
  // refuses malformed key ids with DECRYPTION_FAILED.
  it('refuses an authentic envelope whose key id is empty (a format sealEnvelope never writes)', () => {
    const header = Buffer.from([1, 0]);
    const nonce = Buffer.alloc(12, 9);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.concat([aad, header]));
    const forged = Buffer.concat([header, nonce, cipher.update('v'), cipher.final(), cipher.getAuthTag()]);
    expect(openError(() => openEnvelope(key, forged, aad))).toMatch(/^DECRYPTION_FAILED: /);
  });

  it('refuses keys that are not 32 bytes when opening too', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('v'), aad);
    expect(() => openEnvelope(key.subarray(0, 31), sealed, aad)).toThrow(new RangeError('AES-256-GCM needs a 32-byte key'));
    expect(() => sealEnvelope(Buffer.alloc(33), 'k1', Buffer.from('v'), aad)).toThrow(new RangeError('AES-256-GCM needs a 32-byte key'));
  });

  it('authenticates the header: the same body relabelled with another key id does not open', () => {
    const sealed = sealEnvelope(key, 'k1', Buffer.from('v'), aad);
    const relabelled = Buffer.from(sealed);
    relabelled[3] = '2'.charCodeAt(0);
    expect(envelopeKeyId(relabelled)).toBe('k2');
    expect(openError(() => openEnvelope(key, relabelled, aad))).toMatch(/^DECRYPTION_FAILED: /);
  });
});
