import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FieldOwner, type UnwrappedDataKey, openFields, sealFields } from '../../src/vault/index.js';

const keys = new Map<string, UnwrappedDataKey>(['app-a', 'app-b'].map((id) => [id, { applicationId: id, version: 1, key: randomBytes(32) }]));

const place = fc.record({
  app: fc.constantFrom('app-a', 'app-b'),
  owner: fc.oneof(
    fc.constantFrom('m1', 'm2', 'm3').map((mappingId): FieldOwner => ({ kind: 'credential', mappingId })),
    fc.constantFrom('{GUID-1}', '{GUID-2}').map((identifier): FieldOwner => ({ kind: 'config', identifier })),
  ),
  ordinal: fc.integer({ min: 0, max: 3 }),
});
const same = (a: typeof place extends fc.Arbitrary<infer T> ? T : never, b: typeof a) =>
  a.app === b.app && a.ordinal === b.ordinal && JSON.stringify(a.owner) === JSON.stringify(b.owner);

describe('sealed credential fields and config values', () => {
  it('open only where they were sealed: any move to another application, mapping, config entry or field fails alike', () => {
    fc.assert(
      fc.property(place, place, fc.string(), (from, to, value) => {
        const [sealed] = sealFields(keys.get(from.app)!, from.owner, new Map([[from.ordinal, value]]));
        const moved = { ordinal: to.ordinal, ciphertext: sealed!.ciphertext };
        if (same(from, to)) {
          expect(openFields(keys.get(to.app)!, to.owner, [moved]).get(to.ordinal)).toBe(value);
        } else {
          expect(() => openFields(keys.get(to.app)!, to.owner, [moved])).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
        }
      }),
      { numRuns: 500 },
    );
  });
});
