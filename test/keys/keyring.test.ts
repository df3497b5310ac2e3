import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Seal,
  allSecrets,
  createKeyFile,
  disposeKeyring,
  findSecret,
  generateMasterSecret,
  keyringFacts,
  newKeyring,
  rotateKeyring,
  sealKeyring,
  unsealKeyring,
} from '../../src/keys/index.js';
import { decodeKeyring, encodeKeyring } from '../../src/keys/keyring.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seal = createKeyFile(join(dir, 'seal.key'));

describe('keyring', () => {
  const now = new Date('2026-11-25T10:00:00Z');

  it('keeps every previous secret, newest first, when rotated', () => {
    const first = generateMasterSecret('HOST\\alice', now);
    const second = generateMasterSecret('HOST\\alice', now);
    const third = generateMasterSecret('HOST\\bob', now);
    const keyring = rotateKeyring(rotateKeyring(newKeyring('vault-1', first), second), third);
    expect(keyring.current.msid).toBe(third.msid);
    expect(keyring.previous.map((s) => s.msid)).toEqual([second.msid, first.msid]);
    expect(first.msid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.key.length).toBe(32);
  });

  it('seals and unseals with every fact and key intact', () => {
    const keyring = rotateKeyring(newKeyring('vault-1', generateMasterSecret('HOST\\a', now)), generateMasterSecret('HOST\\b', now));
    const sealed = sealKeyring(seal, keyring);
    const back = unsealKeyring(seal, sealed, 'vault-1');
    expect(allSecrets(back).map(({ msid, createdAt, createdBy }) => ({ msid, createdAt, createdBy }))).toEqual(
      allSecrets(keyring).map(({ msid, createdAt, createdBy }) => ({ msid, createdAt, createdBy })),
    );
    allSecrets(back).forEach((secret, i) => expect(secret.key.equals(allSecrets(keyring)[i]!.key)).toBe(true));
    // No key material in clear inside the sealed bytes.
    for (const secret of allSecrets(keyring)) expect(sealed.includes(secret.key)).toBe(false);
  });

  it('does not unseal under another vault id (a sealed keyring copied to another vault)', () => {
    const sealed = sealKeyring(seal, newKeyring('vault-1', generateMasterSecret('HOST\\a', now)));
    expect(() => unsealKeyring(seal, sealed, 'vault-2')).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
  });

  it('zeroes keys on dispose', () => {
    const keyring = newKeyring('vault-1', generateMasterSecret('HOST\\a', now));
    disposeKeyring(keyring);
    expect(keyring.current.key.every((byte) => byte === 0)).toBe(true);
  });
});

describe('keyring details', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  const layout = 'DECRYPTION_FAILED: the keyring does not have the expected layout';
  const decodeError = (bytes: Buffer) => {
    try {
      decodeKeyring(bytes);
      return 'ok';
    } catch (error) {
      return `${(error as { code: string }).code}: ${(error as Error).message}`;
    }
  };
  /** An encoding with facts of our choosing and `keys` 32-byte keys after them. */
  const encoding = (facts: unknown, keys: number) => {
    const json = Buffer.from(JSON.stringify(facts));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    return Buffer.concat([length, json, Buffer.alloc(32 * keys, 5)]);
  };
  const entry = { msid: 'm1', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'HOST\\a' };

  it('makes a secret of 32 random bytes named by a fresh GUID, with who made it and when', () => {
    const a = generateMasterSecret('HOST\\alice', now);
    const b = generateMasterSecret('HOST\\alice', now);
    expect(a).toMatchObject({ createdAt: '2026-11-25T10:00:00.000Z', createdBy: 'HOST\\alice' });
    expect(a.msid).not.toBe(b.msid);
    expect(a.key.equals(b.key)).toBe(false);
    expect(newKeyring('vault-1', a)).toEqual({ vaultId: 'vault-1', current: a, previous: [] });
  });

  it('describes itself without any key, and finds secrets by MSID', () => {
    const first = generateMasterSecret('HOST\\a', now);
    const second = generateMasterSecret('HOST\\b', now);
    const keyring = rotateKeyring(newKeyring('vault-1', first), second);
    const facts = (s: typeof first) => ({ msid: s.msid, createdAt: s.createdAt, createdBy: s.createdBy });
    expect(keyringFacts(keyring)).toStrictEqual({ vaultId: 'vault-1', current: facts(second), previous: [facts(first)] });
    expect(findSecret(keyring, first.msid)).toBe(first);
    expect(findSecret(keyring, second.msid)).toBe(second);
    expect(findSecret(keyring, 'no-such-msid')).toBeUndefined();
  });

  it('zeroes every key on dispose, previous ones too, and takes no keyring at all', () => {
    const keyring = rotateKeyring(
      rotateKeyring(newKeyring('vault-1', generateMasterSecret('HOST\\a', now)), generateMasterSecret('HOST\\a', now)),
      generateMasterSecret('HOST\\a', now),
    );
    disposeKeyring(keyring);
    for (const secret of allSecrets(keyring)) expect(secret.key.every((byte) => byte === 0)).toBe(true);
    expect(() => disposeKeyring(undefined)).not.toThrow();
  });

  it('decodes keys into buffers of their own, so zeroing the input or the keyring leaves the other intact', () => {
    const keyring = rotateKeyring(newKeyring('vault-1', generateMasterSecret('HOST\\a', now)), generateMasterSecret('HOST\\b', now));
    const encoded = encodeKeyring(keyring);
    const decoded = decodeKeyring(encoded);
    encoded.fill(0);
    allSecrets(decoded).forEach((secret, i) => expect(secret.key.equals(allSecrets(keyring)[i]!.key)).toBe(true));
    const again = decodeKeyring(encodeKeyring(keyring));
    disposeKeyring(again);
    expect(allSecrets(keyring).every((secret) => secret.key.some((byte) => byte !== 0))).toBe(true);
    for (const secret of allSecrets(decoded)) expect(secret.key.buffer.byteLength).toBe(32); // not a slice of a shared pool
  });

  it('zeroes its plaintext after sealing and after unsealing', () => {
    const plaintexts: Buffer[] = [];
    const recording: Seal = {
      kind: 'test',
      keyId: 'rec',
      seal: (plaintext, aad) => (plaintexts.push(plaintext), seal.seal(plaintext, aad)),
      unseal: (sealed, aad) => {
        const plaintext = seal.unseal(sealed, aad);
        plaintexts.push(plaintext);
        return plaintext;
      },
      dispose: () => undefined,
    };
    const keyring = newKeyring('vault-1', generateMasterSecret('HOST\\a', now));
    const back = unsealKeyring(recording, sealKeyring(recording, keyring), 'vault-1');
    expect(back.current.key.equals(keyring.current.key)).toBe(true);
    expect(plaintexts).toHaveLength(2);
    for (const plaintext of plaintexts) expect(plaintext.every((byte) => byte === 0)).toBe(true);
  });

  it("refuses a keyring of another vault sealed under this vault's associated data", () => {
    // Only someone holding the seal could do this; the check still holds.
    const other = newKeyring('vault-2', generateMasterSecret('HOST\\a', now));
    const sealed = seal.seal(encodeKeyring(other), Buffer.from('tessera/keyring/v1/vault=vault-1'));
    expect(() => unsealKeyring(seal, sealed, 'vault-1')).toThrow(
      expect.objectContaining({ code: 'DECRYPTION_FAILED', message: 'the keyring belongs to another vault' }),
    );
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['three bytes', Buffer.from([0, 0, 0])],
    [
      'a facts length past the end',
      (() => {
        const b = encoding({ format: 1, vaultId: 'v', secrets: [entry] }, 1);
        b.writeUInt32BE(b.length, 0);
        return b;
      })(),
    ],
    ['facts that are not JSON', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')])],
    ['format 2', encoding({ format: 2, vaultId: 'v', secrets: [entry] }, 1)],
    ['no format', encoding({ vaultId: 'v', secrets: [entry] }, 1)],
    ['a numeric vault id', encoding({ format: 1, vaultId: 7, secrets: [entry] }, 1)],
    ['secrets that are not a list', encoding({ format: 1, vaultId: 'v', secrets: { 0: entry } }, 1)],
    ['no secrets', encoding({ format: 1, vaultId: 'v', secrets: [] }, 0)],
    ['a key missing', encoding({ format: 1, vaultId: 'v', secrets: [entry, { ...entry, msid: 'm2' }] }, 1)],
    ['a key too many', encoding({ format: 1, vaultId: 'v', secrets: [entry] }, 2)],
    ['one byte too many', Buffer.concat([encoding({ format: 1, vaultId: 'v', secrets: [entry] }, 1), Buffer.from([0])])],
    ['a numeric MSID', encoding({ format: 1, vaultId: 'v', secrets: [{ ...entry, msid: 1 }] }, 1)],
    ['no creation time', encoding({ format: 1, vaultId: 'v', secrets: [{ msid: 'm1', createdBy: 'HOST\\a' }] }, 1)],
    ['a numeric creator', encoding({ format: 1, vaultId: 'v', secrets: [{ ...entry, createdBy: 5 }] }, 1)],
  ])('refuses a malformed encoding (%s) with the one DECRYPTION_FAILED error', (_what, bytes) => {
    expect(decodeError(bytes)).toBe(layout);
  });

  it('decodes the smallest well-formed encoding', () => {
    const keyring = decodeKeyring(encoding({ format: 1, vaultId: 'v', secrets: [entry] }, 1));
    expect(keyring).toMatchObject({ vaultId: 'v', current: entry, previous: [] });
    expect(keyring.current.key.equals(Buffer.alloc(32, 5))).toBe(true);
  });
});
