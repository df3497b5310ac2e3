import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allSecrets,
  createKeyFile,
  disposeKeyring,
  generateMasterSecret,
  newKeyring,
  rotateKeyring,
  sealKeyring,
  unsealKeyring,
} from '../../src/keys/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyring', () => {
  const seal = createKeyFile(join(dir, 'seal.key'));
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
