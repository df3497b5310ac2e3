import { randomBytes } from 'node:crypto';
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
