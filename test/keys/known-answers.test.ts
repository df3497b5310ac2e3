/**
 * Known answers that pin the formats of stored data: envelope bytes, the keyring encoding and its
 * associated data, and a whole backup file with its key derivation. Each fixture was written once
 * by Tessera 0.1.0; if a change (a library upgrade, a renamed label, a reordered field) makes one
 * of them unreadable, every vault, database and backup file in the field is unreadable too.
 */
import { createCipheriv, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Keyring,
  type MasterSecret,
  type Seal,
  allSecrets,
  decryptBackup,
  envelopeKeyId,
  openEnvelope,
  parseBackup,
  sealEnvelope,
  sealKeyring,
  unsealKeyring,
} from '../../src/keys/index.js';
import { argon2id, deriveBackupKeys } from '../../src/keys/kdf.js';
import { decodeKeyring, encodeKeyring } from '../../src/keys/keyring.js';

/** The bytes 0, 1, ..., 31: the key every fixture here was sealed with. */
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

const secret = (n: number, byte: number): MasterSecret => ({
  msid: `0000000${n}-0000-4000-8000-00000000000${n}`,
  key: Buffer.alloc(32, byte),
  createdAt: `2026-01-0${n}T00:00:00.000Z`,
  createdBy: 'HOST\\alice',
});
const fixedKeyring = (): Keyring => ({ vaultId: 'vault-kat', current: secret(2, 0x22), previous: [secret(1, 0x11)] });

/** A seal over the envelope format with the fixed key, as the key file seal is. */
const fixedSeal: Seal = {
  kind: 'test',
  keyId: 'kat-seal',
  seal: (plaintext, aad) => sealEnvelope(KEY, 'kat-seal', plaintext, aad),
  unseal: (sealed, aad) => openEnvelope(KEY, sealed, aad),
  dispose: () => undefined,
};

const describeSecrets = (keyring: Keyring) => allSecrets(keyring).map(({ key, ...facts }) => ({ ...facts, key: key.toString('hex') }));

const ENVELOPE = ['AQJrMe1A1uinlS1GopkKd5w4ySva7tgNvksvuWlAPhixh9V2vrIpLY4hGlnBpbOp/o9Q2Q=='].join('');
const ENCODED_KEYRING = [
  'AAABEHsiZm9ybWF0IjoxLCJ2YXVsdElkIjoidmF1bHQta2F0Iiwic2VjcmV0cyI6W3sibXNpZCI6IjAwMDAwMDAyLTAwMDAtNDAw',
  'MC04MDAwLTAwMDAwMDAwMDAwMiIsImNyZWF0ZWRBdCI6IjIwMjYtMDEtMDJUMDA6MDA6MDAuMDAwWiIsImNyZWF0ZWRCeSI6IkhP',
  'U1RcXGFsaWNlIn0seyJtc2lkIjoiMDAwMDAwMDEtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIiwiY3JlYXRlZEF0IjoiMjAy',
  'Ni0wMS0wMVQwMDowMDowMC4wMDBaIiwiY3JlYXRlZEJ5IjoiSE9TVFxcYWxpY2UifV19IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIi',
  'IiIiIiIiIiIREREREREREREREREREREREREREREREREREREREREREQ==',
].join('');
const SEALED_KEYRING = [
  'AQhrYXQtc2VhbDox7GL0qWSmX8CMINckNSJOgKMxBGJBRPA/NXHsmtHdMOn2TzK9wqg1aHtw1f4ecBaRvbQbAqBXoBtS1pUmsDCX',
  'tM/ArJ2ywVJtPfQQQdC2XEkQt/GHzYhT+rW4s17ZzuWUyouy1MMEyM365FtTL/AQlMwt5tzaLjEiZdTRvsvsyDJADQQ+NcXiv2j1',
  'zwE83Mn3wVPRqjYmO40X+ODIFI9n1+iDrxuriHvcVdWj125/gvS6n0RWHmtfbtm9/eoJ/sL3XMwNySnXrKz3tiF6wKX18ImBn41Y',
  'DgL5XeTbQe1siKwsariZDWFRHzI98XUEkwUAxRdkUdmqP+ETbv/VsSjl4AQsYw6XBvRX879pVDk91wjv9pBfDZsSgfcE5gouo1R5',
  'uiId56LBHw+yVVq6oZLTGIBExgFDDAdj8ZzUgkg2m+6ZIaRfulUI3y1a/yxSk8NR1YBtAPGCrmx+jZxQST9JBfqQFDqpuQFlzW0j',
  '45Ee',
].join('');
const BACKUP = [
  'VFNSQkFLDQoAAQAAAlR7ImtkZiI6eyJhbGdvcml0aG0iOiJhcmdvbjJpZCIsInZlcnNpb24iOjE5LCJtZW1vcnlLaUIiOjgxOTIs',
  'Iml0ZXJhdGlvbnMiOjEsInBhcmFsbGVsaXNtIjoxLCJzYWx0IjoiNG1BV0gxM3VyRk5mTUQ0eUVuN1Jydz09In0sImNpcGhlciI6',
  'ImFlcy0yNTYtZ2NtIiwibm9uY2UiOiJLb2xQVTBaQi9VQ1pNRmIwIiwicGFzc3dvcmRDaGVjayI6ImZZRFFLT3VPRkZ4bitaWjZ2',
  'aEZ4NmZ2T0c0dU8rQmJkRXZRK0d3V1ZGVDQ9IiwicmVtaW5kZXIiOiJ0aGUgdHJhY3RvciBvbmUiLCJ2YXVsdElkIjoidmF1bHQt',
  'a2F0IiwiY3VycmVudE1zaWQiOiIwMDAwMDAwMi0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDIiLCJwcmV2aW91c01zaWQiOiIw',
  'MDAwMDAwMS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJtc2lkcyI6WyIwMDAwMDAwMi0wMDAwLTQwMDAtODAwMC0wMDAw',
  'MDAwMDAwMDIiLCIwMDAwMDAwMS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiXSwiY3JlYXRlZEF0IjoiMjAyNi0wMS0wM1Qx',
  'MDowMDowMC4wMDBaIiwiY3JlYXRlZEJ5IjoiSE9TVFxcYWxpY2UiLCJ3cml0ZXIiOiJ0ZXNzZXJhIDAuMS4wIiwicGF5bG9hZExl',
  'bmd0aCI6MzU2fU8aQRYIlAsaeGbazQqrbsmWAwoS1vZAuUAllxzFsUh8u1hPMhSvbirDn91FyoE/caYw29Yg+Xt1fDTN+KY3IQ9G',
  'HapMffUmjC0uyDoYFXBYOykpl8sz2gPzfQxYWiQSVTkXWKHQTXz+t5pZWgmTSW0un922cGjToa/RrWiq6hTK4FyQVDgom0kVSCpQ',
  'r/mQHeXB0GRM/ACZG+K3P2VRLSkOpiEXR/EpmiEqpk1DckZLueM2zJj9Cq7ckZzZHkpbjTT2uP635cDB1am23OPg2ign/uDtAYks',
  'QjFg2v4Vc1Kcve2FngS6vpXWM4gqHC2UMq8zLdJNHmqngXWvf0YuRzRO5AHEvPdmZvcEyd/Sjq8cvXBoV4A8RpcFy/Ejkk08ocAv',
  'JBjoRGGCPMHrHYPBdov6P1EDhsTBw6fyHycjTS7ZIGFewcygMQAshwRX2qJtxN3X5NglFHixlmdikFegV+zLH46RJTAkxmqRxBrN',
  'CSraBrNq2EYDXfZcDhXUDUk0ns1G/0s=',
].join('');

describe('the envelope format (keys/aead.ts)', () => {
  it('opens an envelope written by Tessera 0.1.0: [1][key id length][key id][nonce][ciphertext][tag]', () => {
    const envelope = Buffer.from(ENVELOPE, 'base64');
    expect(envelope[0]).toBe(1);
    expect(envelope[1]).toBe(2);
    expect(envelope.subarray(2, 4).toString('ascii')).toBe('k1');
    expect(envelope.length).toBe(4 + 12 + 'tessera known answer'.length + 16);
    expect(envelopeKeyId(envelope)).toBe('k1');
    expect(openEnvelope(KEY, envelope, Buffer.from('tessera/test/v1')).toString()).toBe('tessera known answer');
  });

  it("writes exactly AES-256-GCM of the plaintext under its nonce, authenticating the caller's data and then the header", () => {
    const aad = Buffer.from('tessera/test/v1');
    const envelope = sealEnvelope(KEY, 'key-7', Buffer.from('tessera known answer'), aad);
    const header = Buffer.from([1, 5, ...Buffer.from('key-7')]);
    const nonce = envelope.subarray(header.length, header.length + 12);
    const cipher = createCipheriv('aes-256-gcm', KEY, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.concat([aad, header]));
    const expected = Buffer.concat([header, nonce, cipher.update('tessera known answer'), cipher.final(), cipher.getAuthTag()]);
    expect(envelope.toString('hex')).toBe(expected.toString('hex'));
  });
});

describe('the keyring format (keys/keyring.ts)', () => {
  it('encodes to [u32 length][facts JSON][keys in facts order], byte for byte', () => {
    const encoded = encodeKeyring(fixedKeyring());
    expect(encoded.toString('base64')).toBe(ENCODED_KEYRING);
    const factsLength = encoded.readUInt32BE(0);
    expect(JSON.parse(encoded.subarray(4, 4 + factsLength).toString('utf8'))).toEqual({
      format: 1,
      vaultId: 'vault-kat',
      secrets: allSecrets(fixedKeyring()).map(({ key: _key, ...facts }) => facts),
    });
    expect(encoded.subarray(4 + factsLength).toString('hex')).toBe('22'.repeat(32) + '11'.repeat(32));
  });

  it('decodes the 0.1.0 encoding, and unseals a keyring sealed by 0.1.0 under "tessera/keyring/v1/vault=<id>"', () => {
    expect(describeSecrets(decodeKeyring(Buffer.from(ENCODED_KEYRING, 'base64')))).toEqual(describeSecrets(fixedKeyring()));
    const sealed = Buffer.from(SEALED_KEYRING, 'base64');
    expect(envelopeKeyId(sealed)).toBe('kat-seal');
    const keyring = unsealKeyring(fixedSeal, sealed, 'vault-kat');
    expect(keyring.vaultId).toBe('vault-kat');
    expect(describeSecrets(keyring)).toEqual(describeSecrets(fixedKeyring()));
    const plaintext = fixedSeal.unseal(sealed, Buffer.from('tessera/keyring/v1/vault=vault-kat', 'utf8'));
    expect(plaintext.toString('base64')).toBe(ENCODED_KEYRING);
  });

  it('seals under that associated data', () => {
    const sealed = sealKeyring(fixedSeal, fixedKeyring());
    expect(openEnvelope(KEY, sealed, Buffer.from('tessera/keyring/v1/vault=vault-kat')).toString('base64')).toBe(ENCODED_KEYRING);
  });
});

describe('the backup file format (keys/backup-file.ts, keys/kdf.ts)', () => {
  const PASSWORD = 'violet tractor evening lantern';
  const SALT = Buffer.from('4mAWH13urFNfMD4yEn7Rrw==', 'base64');
  const FAST = { memoryKiB: 8192, iterations: 1, parallelism: 1 };

  it('derives the keys 0.1.0 derived: Argon2id, then HKDF-SHA256 with the salt and the two labels', async () => {
    const keys = await deriveBackupKeys(PASSWORD, SALT, FAST);
    expect(keys.encryptionKey.toString('hex')).toBe('67cc9840eae381f91fe063ff1c924c746358e8c90d678e930ad67e3cc71731f1');
    expect(keys.passwordCheck.toString('hex')).toBe('7d80d028eb8e145c67f9967abe1171e9fbce1b8b8ef816dd12f43e1b0595153e');
    const stretched = await argon2id(Buffer.from(PASSWORD, 'utf8'), SALT, FAST);
    const hkdf = (label: string) => Buffer.from(hkdfSync('sha256', stretched, SALT, label, 32)).toString('hex');
    expect(hkdf('tessera backup v1 encryption key')).toBe(keys.encryptionKey.toString('hex'));
    expect(hkdf('tessera backup v1 password check')).toBe(keys.passwordCheck.toString('hex'));
  });

  it('normalizes the password to NFC before deriving, so a decomposed "é" opens what a composed one sealed', async () => {
    const composed = await deriveBackupKeys('caf\u00e9 tractor evening', SALT, FAST);
    const decomposed = await deriveBackupKeys('cafe\u0301 tractor evening', SALT, FAST);
    expect(decomposed.encryptionKey.equals(composed.encryptionKey)).toBe(true);
  });

  it('reads and decrypts a backup file written by 0.1.0', async () => {
    const parsed = parseBackup(Buffer.from(BACKUP, 'base64'), 'kat.bak');
    expect(parsed.header).toMatchObject({
      kdf: { algorithm: 'argon2id', version: 19, ...FAST, salt: SALT.toString('base64') },
      cipher: 'aes-256-gcm',
      reminder: 'the tractor one',
      vaultId: 'vault-kat',
      createdAt: '2026-01-03T10:00:00.000Z',
      createdBy: 'HOST\\alice',
      writer: 'tessera 0.1.0',
    });
    const keyring = await decryptBackup(parsed, PASSWORD, 'kat.bak');
    expect(describeSecrets(keyring)).toEqual(describeSecrets(fixedKeyring()));
  });
});
