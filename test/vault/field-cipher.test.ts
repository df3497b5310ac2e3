import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealEnvelope } from '../../src/keys/index.js';
import { type FieldOwner, type UnwrappedDataKey, fieldKeyVersion, openFields, sealFields } from '../../src/vault/index.js';

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

describe('sealed field details', () => {
  const dataKey: UnwrappedDataKey = { applicationId: 'app-a', version: 4, key: randomBytes(32) };
  const owner: FieldOwner = { kind: 'credential', mappingId: 'm1' };
  const outcome = (run: () => unknown) => {
    try {
      run();
      return 'ok';
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  };

  it('seal every value given, each under its own ordinal, named by the data key version', () => {
    const sealed = sealFields(
      dataKey,
      owner,
      new Map([
        [0, 'bob-ext'],
        [1, 'pässwörd'],
        [2, ''],
      ]),
    );
    expect(sealed.map((field) => field.ordinal)).toEqual([0, 1, 2]);
    expect(sealed.map(fieldKeyVersion)).toEqual([4, 4, 4]);
    // Versions of several digits read whole.
    expect(sealFields({ ...dataKey, version: 1207 }, owner, new Map([[1, 'x']])).map(fieldKeyVersion)).toEqual([1207]);
    expect(openFields(dataKey, owner, sealed)).toEqual(
      new Map([
        [0, 'bob-ext'],
        [1, 'pässwörd'],
        [2, ''],
      ]),
    );
    expect(openFields(dataKey, owner, [])).toEqual(new Map());
  });

  it('config identifiers are compared without case, mapping ids with', () => {
    const config = sealFields(dataKey, { kind: 'config', identifier: '{ABC}' }, new Map([[0, 'v']]));
    expect(openFields(dataKey, { kind: 'config', identifier: '{abc}' }, config).get(0)).toBe('v');
    const credential = sealFields(dataKey, { kind: 'credential', mappingId: 'Mapping-1' }, new Map([[0, 'v']]));
    expect(outcome(() => openFields(dataKey, { kind: 'credential', mappingId: 'mapping-1' }, credential))).toMatch(/^DECRYPTION_FAILED: /);
    // A config entry and a credential mapping with the same name are different places.
    const asConfig = sealFields(dataKey, { kind: 'config', identifier: 'x' }, new Map([[0, 'v']]));
    expect(outcome(() => openFields(dataKey, { kind: 'credential', mappingId: 'x' }, asConfig))).toMatch(/^DECRYPTION_FAILED: /);
  });

  it('refuse a value sealed under another version of the data key before trying to open it', () => {
    const [field] = sealFields({ ...dataKey, version: 5 }, owner, new Map([[1, 'x']]));
    expect(outcome(() => openFields(dataKey, owner, [field!]))).toBe(
      'DECRYPTION_FAILED: the data could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored',
    );
  });

  it.each([
    ['garbage', Buffer.from('not an envelope at all, just bytes')],
    ['an empty value', Buffer.alloc(0)],
    ['an envelope of another kind of key', sealEnvelope(dataKey.key, 'msid-1', Buffer.from('x'), Buffer.alloc(0))],
    ['a version that is not a number', sealEnvelope(dataKey.key, 'dk:four', Buffer.from('x'), Buffer.alloc(0))],
    ['a version that is not whole', sealEnvelope(dataKey.key, 'dk:4.5', Buffer.from('x'), Buffer.alloc(0))],
    ['a prefix in capitals', sealEnvelope(dataKey.key, 'DK:4', Buffer.from('x'), Buffer.alloc(0))],
    ['a key id that only ends like a data key', sealEnvelope(dataKey.key, 'xdk:4', Buffer.from('x'), Buffer.alloc(0))],
  ])('name no data key for %s: the one decryption error', (_what, ciphertext) => {
    expect(outcome(() => fieldKeyVersion({ ordinal: 1, ciphertext }))).toBe(
      'DECRYPTION_FAILED: the data could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored',
    );
    expect(outcome(() => openFields(dataKey, owner, [{ ordinal: 1, ciphertext }]))).toMatch(/^DECRYPTION_FAILED: /);
  });
});
