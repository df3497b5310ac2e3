import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BackupHeader,
  type Keyring,
  BACKUP_MAGIC,
  allSecrets,
  backupInfo,
  decryptBackup,
  deriveKeysForNewBackup,
  encryptBackup,
  generateMasterSecret,
  newKeyring,
  parseBackup,
  rotateKeyring,
} from '../../src/keys/index.js';

const FAST = { memoryKiB: 8192, iterations: 1, parallelism: 1 };
const PASSWORD = 'violet tractor evening lantern';
const FILE = '/backups/tessera.bak';
const now = new Date('2026-11-25T10:00:00Z');

let keyring: Keyring;
let bytes: Buffer;

async function writeBackup(source: Keyring, password = PASSWORD, reminder: string | null = 'the tractor one') {
  const keys = await deriveKeysForNewBackup(password, FAST);
  return encryptBackup(source, keys, { reminder, createdBy: 'HOST\\alice', now, writer: 'tessera test' });
}

/** What restoring the bytes yields: 'ok' or the failure's code. */
async function restoreOutcome(candidate: Buffer, password = PASSWORD): Promise<string> {
  try {
    await decryptBackup(parseBackup(candidate, FILE), password, FILE);
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** Rewrites the clear header as an attacker would, recomputing the (unkeyed) checksum. */
function forgeHeader(original: Buffer, change: (header: { kdf: { memoryKiB: number }; reminder: string | null }) => void): Buffer {
  const headerLength = original.readUInt32BE(10);
  const header = JSON.parse(original.subarray(14, 14 + headerLength).toString('utf8')) as BackupHeader;
  change(header);
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.from(original.subarray(0, 14));
  prefix.writeUInt32BE(headerBytes.length, 10);
  const checksummed = Buffer.concat([prefix, headerBytes]);
  return Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest(), original.subarray(14 + headerLength + 32)]);
}

beforeAll(async () => {
  keyring = rotateKeyring(newKeyring('vault-1', generateMasterSecret('HOST\\alice', now)), generateMasterSecret('HOST\\alice', now));
  bytes = await writeBackup(keyring);
});

describe('backup file', () => {
  it('starts with the magic and format version 1, and round-trips every secret', async () => {
    expect(bytes.subarray(0, 8).equals(BACKUP_MAGIC)).toBe(true);
    expect(bytes.readUInt16BE(8)).toBe(1);
    const restored = await decryptBackup(parseBackup(bytes, FILE), PASSWORD, FILE);
    expect(allSecrets(restored).map((s) => s.msid)).toEqual(allSecrets(keyring).map((s) => s.msid));
    allSecrets(restored).forEach((secret, i) => expect(secret.key.equals(allSecrets(keyring)[i]!.key)).toBe(true));
  });

  it('tells what it holds without the password, reminder included, and no key material in clear', () => {
    const info = backupInfo(parseBackup(bytes, FILE).header);
    expect(info).toMatchObject({
      reminder: 'the tractor one',
      vaultId: 'vault-1',
      currentMsid: keyring.current.msid,
      previousMsid: keyring.previous[0]!.msid,
      msids: allSecrets(keyring).map((s) => s.msid),
      createdBy: 'HOST\\alice',
      kdf: { algorithm: 'argon2id', ...FAST },
    });
    for (const secret of allSecrets(keyring)) expect(bytes.includes(secret.key)).toBe(false);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it('says the password is wrong, and shows the reminder', async () => {
    await expect(decryptBackup(parseBackup(bytes, FILE), 'not the password at all', FILE)).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      message: expect.stringContaining('reminder: "the tractor one"') as string,
    });
  });

  it('detects any flipped byte anywhere in the file, and never blames the password for it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (index, mask) => {
        const copy = Buffer.from(bytes);
        copy[index]! ^= mask;
        const outcome = await restoreOutcome(copy);
        expect(['BACKUP_NOT_A_BACKUP', 'BACKUP_UNSUPPORTED_VERSION', 'BACKUP_TRUNCATED', 'BACKUP_DAMAGED']).toContain(outcome);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a file cut anywhere as truncated (or not a backup when even the magic is cut)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), async (length) => {
        const outcome = await restoreOutcome(bytes.subarray(0, length));
        expect(outcome).toBe(length < BACKUP_MAGIC.length ? 'BACKUP_NOT_A_BACKUP' : 'BACKUP_TRUNCATED');
      }),
      { numRuns: 100 },
    );
  });

  it('names a wrong magic, a newer format version and extra bytes', async () => {
    expect(await restoreOutcome(Buffer.from('Hello, this is a text file and not a backup.'))).toBe('BACKUP_NOT_A_BACKUP');
    const newer = Buffer.from(bytes);
    newer.writeUInt16BE(2, 8);
    await expect(async () => parseBackup(newer, FILE)).rejects.toMatchObject({
      code: 'BACKUP_UNSUPPORTED_VERSION',
      message: expect.stringContaining('format version 2') as string,
    });
    expect(await restoreOutcome(Buffer.concat([bytes, Buffer.from([0])]))).toBe('BACKUP_DAMAGED');
  });

  it('refuses a forged header asking for absurd key-derivation cost before deriving anything', async () => {
    const forged = forgeHeader(bytes, (header) => (header.kdf.memoryKiB = 64 * 1024 * 1024)); // 64 GiB
    expect(await restoreOutcome(forged)).toBe('BACKUP_UNSAFE_PARAMETERS');
  });

  it('detects a reminder changed by someone who also fixed the checksum (the header is authenticated)', async () => {
    const forged = forgeHeader(bytes, (header) => (header.reminder = 'the password is hunter2'));
    expect(await restoreOutcome(forged)).toBe('BACKUP_DAMAGED');
  });
});
