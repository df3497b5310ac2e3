import { createCipheriv, createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KdfParameters,
  type Keyring,
  BACKUP_MAGIC,
  DEFAULT_KDF,
  KDF_MAX_WORK,
  MAX_BACKUP_BYTES,
  kdfParametersProblem,
  readBackupFile,
  allSecrets,
  backupInfo,
  decryptBackup,
  deriveKeysForNewBackup,
  disposeBackupKeys,
  encryptBackup,
  generateMasterSecret,
  newKeyring,
  parseBackup,
  rotateKeyring,
} from '../../src/keys/index.js';
import { encodeKeyring } from '../../src/keys/keyring.js';

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

type ForgedHeader = { [field: string]: unknown; kdf: { [field: string]: unknown } };

const headerOf = (file: Buffer): ForgedHeader => JSON.parse(file.subarray(14, 14 + file.readUInt32BE(10)).toString('utf8')) as ForgedHeader;

/** Replaces the clear header with any JSON value, as an attacker would, recomputing the (unkeyed) checksum. */
function withHeader(original: Buffer, header: unknown): Buffer {
  const headerLength = original.readUInt32BE(10);
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.from(original.subarray(0, 14));
  prefix.writeUInt32BE(headerBytes.length, 10);
  const checksummed = Buffer.concat([prefix, headerBytes]);
  return Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest(), original.subarray(14 + headerLength + 32)]);
}

function forgeHeader(original: Buffer, change: (header: ForgedHeader) => void): Buffer {
  const header = headerOf(original);
  change(header);
  return withHeader(original, header);
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

/** What parsing the bytes yields, without a password: 'ok' or "CODE: message". */
function parseOutcome(candidate: Buffer): string {
  try {
    parseBackup(candidate, FILE);
    return 'ok';
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
}

const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const fieldError = (path: string, expected: string) =>
  `BACKUP_DAMAGED: ${FILE} is damaged: its header field ${path} should be ${expected}, so it was changed after it was written. Use another copy of the backup`;

describe('a forged backup header', () => {
  // One entry per header check: the field's value in a forged header, and what the check expects.
  const forgeries: Array<[string, (header: ForgedHeader) => void, string, string]> = [
    ['no kdf at all', (h) => delete (h as { kdf?: unknown }).kdf, 'kdf.algorithm', '"argon2id"'],
    ['kdf as a list', (h) => (h.kdf = [] as unknown as ForgedHeader['kdf']), 'kdf.algorithm', '"argon2id"'],
    ['another algorithm', (h) => (h.kdf.algorithm = 'argon2i'), 'kdf.algorithm', '"argon2id"'],
    ['another Argon2 version', (h) => (h.kdf.version = 16), 'kdf.version', '19'],
    ['no salt', (h) => delete h.kdf.salt, 'kdf.salt', '16 bytes in base64'],
    ['an empty salt', (h) => (h.kdf.salt = ''), 'kdf.salt', '16 bytes in base64'],
    ['a 3-byte salt', (h) => (h.kdf.salt = 'AAAA'), 'kdf.salt', '16 bytes in base64'],
    ['a 15-byte salt', (h) => (h.kdf.salt = b64(15)), 'kdf.salt', '16 bytes in base64'],
    ['a 17-byte salt', (h) => (h.kdf.salt = b64(17)), 'kdf.salt', '16 bytes in base64'],
    ['a salt that is not base64', (h) => (h.kdf.salt = '!!!!!!!!!!!!!!!!!!!!!!!!'), 'kdf.salt', '16 bytes in base64'],
    ['a salt of 16 bytes with junk around it', (h) => (h.kdf.salt = ` ${b64(16)}!`), 'kdf.salt', '16 bytes in base64'],
    ['a salt that is a number', (h) => (h.kdf.salt = 1234), 'kdf.salt', '16 bytes in base64'],
    ['memory as text', (h) => (h.kdf.memoryKiB = '8192'), 'kdf.memoryKiB', 'a whole number'],
    ['fractional memory', (h) => (h.kdf.memoryKiB = 8192.5), 'kdf.memoryKiB', 'a whole number'],
    ['no iterations', (h) => delete h.kdf.iterations, 'kdf.iterations', 'a whole number'],
    ['null parallelism', (h) => (h.kdf.parallelism = null), 'kdf.parallelism', 'a whole number'],
    ['another cipher', (h) => (h.cipher = 'aes-128-gcm'), 'cipher', '"aes-256-gcm"'],
    ['an 11-byte nonce', (h) => (h.nonce = b64(11)), 'nonce', '12 bytes in base64'],
    ['no nonce', (h) => delete h.nonce, 'nonce', '12 bytes in base64'],
    ['a short password check', (h) => (h.passwordCheck = b64(31)), 'passwordCheck', '32 bytes in base64'],
    ['a long password check', (h) => (h.passwordCheck = b64(33)), 'passwordCheck', '32 bytes in base64'],
    ['a numeric reminder', (h) => (h.reminder = 5), 'reminder', 'null or at most 512 characters'],
    ['a missing reminder', (h) => delete h.reminder, 'reminder', 'null or at most 512 characters'],
    ['a reminder of 513 characters', (h) => (h.reminder = 'r'.repeat(513)), 'reminder', 'null or at most 512 characters'],
    ['an empty vault id', (h) => (h.vaultId = ''), 'vaultId', 'a vault id'],
    ['a numeric vault id', (h) => (h.vaultId = 1), 'vaultId', 'a vault id'],
    ['no MSIDs', (h) => (h.msids = []), 'msids', 'a list of MSIDs'],
    ['MSIDs as text', (h) => (h.msids = 'a,b'), 'msids', 'a list of MSIDs'],
    ['an empty MSID', (h) => (h.msids = [keyring.current.msid, '']), 'msids', 'a list of MSIDs'],
    ['a numeric MSID', (h) => (h.msids = [keyring.current.msid, 7]), 'msids', 'a list of MSIDs'],
    ['a current MSID not first', (h) => (h.currentMsid = keyring.previous[0]!.msid), 'currentMsid', 'the first of msids'],
    ['a previous MSID not second', (h) => (h.previousMsid = keyring.current.msid), 'previousMsid', 'the second of msids, or null'],
    ['a null previous MSID with two secrets', (h) => (h.previousMsid = null), 'previousMsid', 'the second of msids, or null'],
    ['no previous MSID', (h) => delete h.previousMsid, 'previousMsid', 'the second of msids, or null'],
    ['a date that is not one', (h) => (h.createdAt = 'yesterday'), 'createdAt', 'a date'],
    ['a numeric date', (h) => (h.createdAt = 1_700_000_000_000), 'createdAt', 'a date'],
    ['no creator', (h) => delete h.createdBy, 'createdBy', 'a user name'],
    ['no writer', (h) => delete h.writer, 'writer', 'the name of the program that wrote it'],
    ['a payload no longer than its tag', (h) => (h.payloadLength = 16), 'payloadLength', 'a length in bytes'],
    ['a fractional payload length', (h) => (h.payloadLength = 100.5), 'payloadLength', 'a length in bytes'],
    ['a payload length as text', (h) => (h.payloadLength = '200'), 'payloadLength', 'a length in bytes'],
  ];

  it.each(forgeries)('with %s is BACKUP_DAMAGED naming the field, before any password is asked for', async (_what, change, path, expected) => {
    const forged = forgeHeader(bytes, change);
    expect(parseOutcome(forged)).toBe(fieldError(path, expected));
    expect(await restoreOutcome(forged)).toBe('BACKUP_DAMAGED');
  });

  it.each([
    ['a list', []],
    ['null', null],
    ['text', 'TSRBAK'],
    ['a number', 42],
  ])('that is %s and not an object is BACKUP_DAMAGED', (_what, header) => {
    expect(parseOutcome(withHeader(bytes, header))).toBe(
      `BACKUP_DAMAGED: ${FILE} is damaged: its header is not a JSON object, so it was changed after it was written. Use another copy of the backup`,
    );
  });

  it('that is not JSON is BACKUP_DAMAGED', () => {
    const prefix = Buffer.from(bytes.subarray(0, 14));
    prefix.writeUInt32BE(5, 10);
    const checksummed = Buffer.concat([prefix, Buffer.from('{"kdf')]);
    const forged = Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest()]);
    expect(parseOutcome(forged)).toMatch(/^BACKUP_DAMAGED: .* its header is not readable, /);
  });

  it('passes the field checks at their limits, so only authentication can tell it from a real one', () => {
    const limits: Array<(header: ForgedHeader) => void> = [
      (h) => (h.reminder = 'r'.repeat(512)),
      (h) => (h.reminder = '\u{1F511}'.repeat(512)), // 512 characters, 1024 UTF-16 units
      (h) => (h.reminder = null),
      (h) => (h.createdBy = ''),
      (h) => (h.writer = ''),
      (h) => (h.payloadLength = headerOf(bytes).payloadLength),
    ];
    for (const change of limits) expect(parseOutcome(forgeHeader(bytes, change))).toBe('ok');
  });

  it('with the right password but a password check of another length is damaged, never a wrong password', async () => {
    // A check that matched only in its first 32 bytes would also be a forgery.
    const forged = forgeHeader(
      bytes,
      (h) => (h.passwordCheck = Buffer.concat([Buffer.from(String(h.passwordCheck), 'base64'), Buffer.alloc(1)]).toString('base64')),
    );
    expect(await restoreOutcome(forged)).toBe('BACKUP_DAMAGED');
  });

  it('with a salt changed to another 16 bytes reads as a wrong password: the salt is an input of the password check', async () => {
    const forged = forgeHeader(bytes, (h) => (h.kdf.salt = b64(16)));
    expect(await restoreOutcome(forged)).toBe('WRONG_PASSWORD');
  });
});

describe('Argon2id bounds', () => {
  const at = (changes: Partial<KdfParameters>) => kdfParametersProblem({ ...DEFAULT_KDF, ...changes });

  it('accept the default and every limit Tessera may write', () => {
    expect(DEFAULT_KDF).toEqual({ memoryKiB: 262_144, iterations: 4, parallelism: 4 });
    expect(at({})).toBeUndefined();
    expect(at({ memoryKiB: 8_192, iterations: 1, parallelism: 1 })).toBeUndefined();
    expect(at({ memoryKiB: 1_048_576, iterations: 4, parallelism: 16 })).toBeUndefined();
    expect(at({ memoryKiB: 262_144, iterations: 16 })).toBeUndefined();
    expect(KDF_MAX_WORK).toBe(4 * DEFAULT_KDF.memoryKiB * DEFAULT_KDF.iterations);
  });

  it.each([
    [{ memoryKiB: 8_191 }, 'memoryKiB must be an integer from 8192 to 1048576, not 8191'],
    [{ memoryKiB: 1_048_577, iterations: 1 }, 'memoryKiB must be an integer from 8192 to 1048576, not 1048577'],
    [{ memoryKiB: 4_194_304, iterations: 1 }, 'memoryKiB must be an integer from 8192 to 1048576, not 4194304'],
    [{ memoryKiB: 262_144.5 }, 'memoryKiB must be an integer from 8192 to 1048576, not 262144.5'],
    [{ iterations: 0 }, 'iterations must be an integer from 1 to 16, not 0'],
    [{ iterations: 17, memoryKiB: 8_192 }, 'iterations must be an integer from 1 to 16, not 17'],
    [{ iterations: Number.NaN }, 'iterations must be an integer from 1 to 16, not NaN'],
    [{ parallelism: 0 }, 'parallelism must be an integer from 1 to 16, not 0'],
    [{ parallelism: 17 }, 'parallelism must be an integer from 1 to 16, not 17'],
    [{ memoryKiB: 1_048_576, iterations: 5 }, 'memoryKiB × iterations must be at most 4194304, not 5242880'],
    [{ memoryKiB: 262_145, iterations: 16 }, 'memoryKiB × iterations must be at most 4194304, not 4194320'],
  ])('refuse %o', (changes, problem) => {
    expect(at(changes)).toBe(problem);
  });

  it('are checked when a file is parsed, before any password is asked for or any memory spent', () => {
    const forged = forgeHeader(bytes, (h) => Object.assign(h.kdf, { memoryKiB: 1_048_576, iterations: 16 }));
    expect(parseOutcome(forged)).toBe(
      `BACKUP_UNSAFE_PARAMETERS: ${FILE} asks for Argon2id parameters no Tessera backup has ` +
        '(memoryKiB × iterations must be at most 4194304, not 16777216), so it was forged or damaged: use another copy of the backup',
    );
  });

  it('are checked again before a key is derived for a new backup', async () => {
    await expect(deriveKeysForNewBackup(PASSWORD, { ...FAST, parallelism: 0 })).rejects.toMatchObject({
      code: 'BACKUP_UNSAFE_PARAMETERS',
      message: 'unsafe Argon2id parameters: parallelism must be an integer from 1 to 16, not 0',
    });
  });
});

describe('the size of a backup file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-backup-size-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a real backup, and one of exactly the largest size, whole', async () => {
    const file = join(dir, 'real');
    await writeFile(file, bytes);
    expect((await readBackupFile(file)).equals(bytes)).toBe(true);
    const largest = join(dir, 'largest');
    await writeFile(largest, Buffer.alloc(MAX_BACKUP_BYTES, 1));
    expect((await readBackupFile(largest)).length).toBe(MAX_BACKUP_BYTES);
  });

  it('refuses a larger file by its size, before reading it', async () => {
    const file = join(dir, 'huge');
    await writeFile(file, bytes);
    await truncate(file, 8 * 1024 * 1024 * 1024); // sparse: 8 GiB that a read would have to fill
    await expect(readBackupFile(file)).rejects.toMatchObject({
      code: 'BACKUP_NOT_A_BACKUP',
      message: `${file} is not a Tessera master secret backup: it has 8589934592 bytes, and a backup has at most 1048576: check that you chose the right file`,
    });
    const oneMore = join(dir, 'one-more');
    await writeFile(oneMore, Buffer.alloc(MAX_BACKUP_BYTES + 1, 1));
    await expect(readBackupFile(oneMore)).rejects.toMatchObject({ code: 'BACKUP_NOT_A_BACKUP' });
  });

  it('reads a device that has no size only one byte past the limit', async () => {
    await expect(readBackupFile('/dev/zero')).rejects.toMatchObject({
      code: 'BACKUP_NOT_A_BACKUP',
      message:
        '/dev/zero is not a Tessera master secret backup: it holds more than 1048576 bytes, and a backup has at most 1048576: check that you chose the right file',
    });
    expect((await readBackupFile('/dev/null')).length).toBe(0);
  });

  it('is never written larger than a reader accepts', async () => {
    const big = newKeyring('vault-1', { ...generateMasterSecret('HOST\\alice', now), createdBy: 'x'.repeat(MAX_BACKUP_BYTES) });
    const keys = await deriveKeysForNewBackup(PASSWORD, FAST);
    expect(() => encryptBackup(big, keys, { reminder: null, createdBy: 'HOST\\alice', now, writer: 'tessera test' })).toThrow(RangeError);
    // A big header alone is refused too (parseBackup reads at most 64 KiB of header).
    expect(() => encryptBackup(keyring, keys, { reminder: null, createdBy: 'y'.repeat(70_000), now, writer: 'tessera test' })).toThrow(RangeError);
  });
});

describe('what reading a backup file says', () => {
  const error = (why: string) => `BACKUP_DAMAGED: ${FILE} is damaged: ${why}, so it was changed after it was written. Use another copy of the backup`;
  const headerLength = () => bytes.readUInt32BE(10);

  async function outcome(candidate: Buffer, password = PASSWORD): Promise<string> {
    try {
      await decryptBackup(parseBackup(candidate, FILE), password, FILE);
      return 'ok';
    } catch (failure) {
      return `${(failure as { code: string }).code}: ${(failure as Error).message}`;
    }
  }

  /** A file whose header and encrypted part are of our choosing, authentic under PASSWORD. */
  async function authentic(change: (header: ForgedHeader) => void, plaintext: Buffer): Promise<Buffer> {
    const keys = await deriveKeysForNewBackup(PASSWORD, FAST);
    const header = headerOf(await writeBackup(keyring));
    Object.assign(header, {
      kdf: { ...header.kdf, salt: keys.salt.toString('base64') },
      passwordCheck: keys.passwordCheck.toString('base64'),
      payloadLength: plaintext.length + 16,
    });
    change(header);
    const headerBytes = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.from(bytes.subarray(0, 14));
    prefix.writeUInt32BE(headerBytes.length, 10);
    const checksummed = Buffer.concat([prefix, headerBytes]);
    const authenticated = Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest()]);
    const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(String(header.nonce), 'base64'), { authTagLength: 16 });
    cipher.setAAD(authenticated);
    return Buffer.concat([authenticated, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  it('names each failure of the layout, and the fix', async () => {
    expect(await outcome(Buffer.from('TSRBAK'))).toBe(
      `BACKUP_NOT_A_BACKUP: ${FILE} is not a Tessera master secret backup (it does not start with "TSRBAK"): check that you chose the right file`,
    );
    const newer = Buffer.from(bytes);
    newer.writeUInt16BE(3, 8);
    expect(await outcome(newer)).toBe(
      `BACKUP_UNSUPPORTED_VERSION: ${FILE} is a backup in format version 3, and this Tessera reads version 1: ` +
        'restore it with the Tessera release that wrote it (or a newer one), or use another backup',
    );
    expect(await outcome(bytes.subarray(0, 14))).toBe(
      `BACKUP_TRUNCATED: ${FILE} is truncated: it has 14 bytes and should have at least ${14 + headerLength() + 32}. ` +
        'It was cut off while being written or copied: use another copy of the backup',
    );
    expect(await outcome(bytes.subarray(0, 13))).toMatch(/^BACKUP_TRUNCATED: .* it has 13 bytes and should have at least 14\. /);
    expect(await outcome(bytes.subarray(0, bytes.length - 1))).toMatch(
      new RegExp(`it has ${bytes.length - 1} bytes and should have at least ${bytes.length}\\. `),
    );
    expect(await outcome(Buffer.concat([bytes, Buffer.from([0, 0])]))).toBe(error('it has 2 bytes more than its header says'));
    const flipped = Buffer.from(bytes);
    flipped[20]! ^= 1;
    expect(await outcome(flipped)).toBe(error('its header does not match its checksum'));
    const ciphertext = Buffer.from(bytes);
    ciphertext[bytes.length - 30]! ^= 1;
    expect(await outcome(ciphertext)).toBe(error('its encrypted part fails authentication'));
  });

  it('refuses a header length over 64 KiB as implausible, and reads one of exactly 64 KiB', async () => {
    const implausible = Buffer.from(bytes);
    implausible.writeUInt32BE(65_537, 10);
    expect(await outcome(implausible)).toBe(error('its header length is implausible'));
    const largest = Buffer.from(bytes);
    largest.writeUInt32BE(65_536, 10);
    expect(await outcome(largest)).toMatch(new RegExp(`^BACKUP_TRUNCATED: .* should have at least ${14 + 65_536 + 32}\\. `));
  });

  it('says whether a reminder was given when the password is wrong', async () => {
    const withoutReminder = await writeBackup(keyring, PASSWORD, null);
    expect(await outcome(withoutReminder, 'not the password at all')).toBe(
      `WRONG_PASSWORD: the password does not open ${FILE}: enter the password given when this backup was made`,
    );
    expect(await outcome(bytes, 'not the password at all')).toBe(
      `WRONG_PASSWORD: the password does not open ${FILE} (reminder: "the tractor one"): enter the password given when this backup was made`,
    );
  });

  it('refuses an authentic file whose header does not describe the keyring inside', async () => {
    const plaintext = encodeKeyring(keyring);
    expect(await outcome(await authentic(() => undefined, plaintext))).toBe('ok');
    expect(await outcome(await authentic((h) => (h.vaultId = 'vault-2'), plaintext))).toBe(error('its header does not describe its contents'));
    const reordered = [keyring.previous[0]!.msid, keyring.current.msid];
    expect(
      await outcome(await authentic((h) => Object.assign(h, { msids: reordered, currentMsid: reordered[0], previousMsid: reordered[1] }), plaintext)),
    ).toBe(error('its header does not describe its contents'));
    expect(await outcome(await authentic(() => undefined, Buffer.from('not a keyring')))).toBe(error('its contents do not have the expected layout'));
  });

  it('zeroes the derived encryption key when disposed', async () => {
    const keys = await deriveKeysForNewBackup(PASSWORD, FAST);
    disposeBackupKeys(keys);
    expect(keys.encryptionKey.every((byte) => byte === 0)).toBe(true);
  });

  it('writes the largest file and header a reader accepts, and not a byte more', async () => {
    const keys = await deriveKeysForNewBackup(PASSWORD, FAST);
    const options = { reminder: null, createdBy: 'HOST\\alice', now, writer: 'tessera test' };
    /** The length of `x` that makes `size(x)` come out at `target` (sizes grow with `x`, and a little with their own digits). */
    const fit = (size: (length: number) => number, target: number) => {
      let length = target - size(0);
      for (let step = 0; step < 5 && size(length) !== target; step++) length += target - size(length);
      return length;
    };
    /** The file's length, or the length it says it would have had. */
    const lengthOf = (write: () => Buffer) => {
      try {
        return write().length;
      } catch (error) {
        return Number(/would have (\d+) bytes/.exec((error as Error).message)![1]);
      }
    };
    const secretBy = (length: number) => encryptBackup(newKeyring('vault-1', { ...keyring.current, createdBy: 'x'.repeat(length) }), keys, options);
    const fileFit = fit((length) => lengthOf(() => secretBy(length)), MAX_BACKUP_BYTES);
    const largest = secretBy(fileFit);
    expect(largest.length).toBe(MAX_BACKUP_BYTES);
    expect(parseBackup(largest, FILE).header.payloadLength).toBeGreaterThan(0);
    expect(() => secretBy(fileFit + 1)).toThrow(
      new RangeError(`a backup of this keyring would have ${MAX_BACKUP_BYTES + 1} bytes, more than the ${MAX_BACKUP_BYTES} a backup may have`),
    );
    const headerBy = (length: number) => encryptBackup(keyring, keys, { ...options, createdBy: 'y'.repeat(length) });
    const rest = headerBy(0).length - headerBy(0).readUInt32BE(10); // prefix, checksum and payload: the same whatever the creator
    const headerFit = fit((length) => lengthOf(() => headerBy(length)) - rest, 65_536);
    const widest = headerBy(headerFit);
    expect(widest.readUInt32BE(10)).toBe(65_536);
    expect(parseBackup(widest, FILE).header.createdBy).toHaveLength(headerFit);
    expect(() => headerBy(headerFit + 1)).toThrow(RangeError);
  });

  it('closes the file it read, whether it was a backup or too large', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-backup-fd-'));
    try {
      const file = join(dir, 'a.bak');
      await writeFile(file, bytes);
      const huge = join(dir, 'huge.bak');
      await writeFile(huge, '');
      await truncate(huge, MAX_BACKUP_BYTES + 1);
      const open = () => readdirSync('/proc/self/fd').length;
      const before = open();
      for (let i = 0; i < 20; i++) {
        await readBackupFile(file);
        await readBackupFile(huge).catch(() => undefined);
      }
      expect(open()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
