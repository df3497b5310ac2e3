import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';
import { fail } from '../errors/index.js';
import { type DerivedKeys, type KdfParameters, deriveBackupKeys, kdfParametersProblem } from './kdf.js';
import { type Keyring, allSecrets, decodeKeyring, disposeKeyring, encodeKeyring } from './keyring.js';
import { REMINDER_MAX_LENGTH } from './password-policy.js';

/**
 * The master secret backup file, format version 1 (docs/backup-format.md):
 *
 *   0       8  magic "TSRBAK\r\n"
 *   8       2  format version, u16 big-endian
 *   10      4  header length H, u32 big-endian
 *   14      H  header, UTF-8 JSON (readable without the password)
 *   14+H   32  SHA-256 of bytes 0 .. 14+H (tells damage from a wrong password)
 *   46+H    P  AES-256-GCM ciphertext of the keyring, then the 16-byte tag;
 *              associated data: bytes 0 .. 46+H, so every header byte is authenticated
 */
export const BACKUP_MAGIC = Buffer.from('TSRBAK\r\n', 'latin1');
export const BACKUP_FORMAT_VERSION = 1;
const PREFIX_BYTES = 14;
const CHECKSUM_BYTES = 32;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const PASSWORD_CHECK_BYTES = 32;
const MAX_HEADER_BYTES = 64 * 1024;
/**
 * The largest backup file Tessera writes or reads: a 64 KiB header and a keyring of thousands
 * of secrets. Checked before a file is read whole, so a huge file or a device costs nothing.
 */
export const MAX_BACKUP_BYTES = 1024 * 1024;

export interface BackupHeader {
  kdf: { algorithm: 'argon2id'; version: 19; salt: string } & KdfParameters;
  cipher: 'aes-256-gcm';
  nonce: string;
  passwordCheck: string;
  reminder: string | null;
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
  createdAt: string;
  createdBy: string;
  writer: string;
  payloadLength: number;
}

/** What anyone can read from a backup file without its password. */
export type BackupInfo = Omit<BackupHeader, 'nonce' | 'passwordCheck' | 'payloadLength' | 'cipher'>;

export interface EncryptOptions {
  reminder: string | null;
  createdBy: string;
  now: Date;
  writer: string;
}

/** Keys derived once from the password, used to write a backup and to verify it read back. */
export interface BackupKeys extends DerivedKeys {
  salt: Buffer;
  kdf: KdfParameters;
}

export async function deriveKeysForNewBackup(password: string, kdf: KdfParameters): Promise<BackupKeys> {
  const salt = randomBytes(SALT_BYTES);
  return { ...(await deriveBackupKeys(password, salt, kdf)), salt, kdf };
}

export function disposeBackupKeys(keys: DerivedKeys): void {
  keys.encryptionKey.fill(0);
}

export function encryptBackup(keyring: Keyring, keys: BackupKeys, options: EncryptOptions): Buffer {
  const { salt } = keys;
  const nonce = randomBytes(NONCE_BYTES);
  const plaintext = encodeKeyring(keyring);
  try {
    const header: BackupHeader = {
      kdf: { algorithm: 'argon2id', version: 19, ...keys.kdf, salt: salt.toString('base64') },
      cipher: 'aes-256-gcm',
      nonce: nonce.toString('base64'),
      passwordCheck: keys.passwordCheck.toString('base64'),
      reminder: options.reminder,
      vaultId: keyring.vaultId,
      currentMsid: keyring.current.msid,
      previousMsid: keyring.previous[0]?.msid ?? null,
      msids: allSecrets(keyring).map((secret) => secret.msid),
      createdAt: options.now.toISOString(),
      createdBy: options.createdBy,
      writer: options.writer,
      payloadLength: plaintext.length + TAG_BYTES,
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(PREFIX_BYTES);
    BACKUP_MAGIC.copy(prefix);
    prefix.writeUInt16BE(BACKUP_FORMAT_VERSION, 8);
    prefix.writeUInt32BE(headerBytes.length, 10);
    const checksummed = Buffer.concat([prefix, headerBytes]);
    const authenticated = Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest()]);
    const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(authenticated);
    const file = Buffer.concat([authenticated, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    // Never write a file that parseBackup would refuse.
    if (headerBytes.length > MAX_HEADER_BYTES || file.length > MAX_BACKUP_BYTES) {
      throw new RangeError(`a backup of this keyring would have ${file.length} bytes, more than the ${MAX_BACKUP_BYTES} a backup may have`);
    }
    return file;
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Reads a backup file whole, after checking on the open descriptor that it is no larger than a
 * backup can be; a device or pipe, which has no size, is read only one byte past the limit.
 */
export async function readBackupFile(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_BACKUP_BYTES) throw tooLarge(file, `it has ${size} bytes`);
    const buffer = Buffer.alloc(MAX_BACKUP_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
      if (length > MAX_BACKUP_BYTES) throw tooLarge(file, `it holds more than ${MAX_BACKUP_BYTES} bytes`);
    }
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, what: string) {
  return fail(
    'BACKUP_NOT_A_BACKUP',
    `${file} is not a Tessera master secret backup: ${what}, and a backup has at most ${MAX_BACKUP_BYTES}: check that you chose the right file`,
  );
}

export interface ParsedBackup {
  header: BackupHeader;
  authenticated: Buffer;
  payload: Buffer;
}

/** Reads and checks everything that needs no password; `file` only names it in messages. */
export function parseBackup(bytes: Buffer, file: string): ParsedBackup {
  if (!bytes.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) {
    throw fail('BACKUP_NOT_A_BACKUP', `${file} is not a Tessera master secret backup (it does not start with "TSRBAK"): check that you chose the right file`);
  }
  if (bytes.length < PREFIX_BYTES) throw truncated(file, bytes.length, PREFIX_BYTES);
  const version = bytes.readUInt16BE(8);
  if (version !== BACKUP_FORMAT_VERSION) {
    throw fail(
      'BACKUP_UNSUPPORTED_VERSION',
      `${file} is a backup in format version ${version}, and this Tessera reads version ${BACKUP_FORMAT_VERSION}: ` +
        'restore it with the Tessera release that wrote it (or a newer one), or use another backup',
    );
  }
  const headerLength = bytes.readUInt32BE(10);
  if (headerLength > MAX_HEADER_BYTES) throw damaged(file, 'its header length is implausible');
  const checksumEnd = PREFIX_BYTES + headerLength + CHECKSUM_BYTES;
  if (bytes.length < checksumEnd) throw truncated(file, bytes.length, checksumEnd);
  const checksummed = bytes.subarray(0, PREFIX_BYTES + headerLength);
  const checksum = createHash('sha256').update(checksummed).digest();
  if (!checksum.equals(bytes.subarray(PREFIX_BYTES + headerLength, checksumEnd))) {
    throw damaged(file, 'its header does not match its checksum');
  }
  const header = readHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength), file);
  // Before any password is asked for, and before Argon2id could be made to exhaust the machine.
  const problem = kdfParametersProblem(header.kdf);
  if (problem) {
    throw fail(
      'BACKUP_UNSAFE_PARAMETERS',
      `${file} asks for Argon2id parameters no Tessera backup has (${problem}), so it was forged or damaged: use another copy of the backup`,
    );
  }
  const expected = checksumEnd + header.payloadLength;
  if (bytes.length < expected) throw truncated(file, bytes.length, expected);
  if (bytes.length > expected) throw damaged(file, `it has ${bytes.length - expected} bytes more than its header says`);
  return { header, authenticated: bytes.subarray(0, checksumEnd), payload: bytes.subarray(checksumEnd) };
}

export function backupInfo(header: BackupHeader): BackupInfo {
  const { nonce: _nonce, passwordCheck: _check, payloadLength: _length, cipher: _cipher, ...info } = header;
  return info;
}

/** Decrypts a parsed backup; the caller owns (and must dispose) the keyring returned. */
export async function decryptBackup(parsed: ParsedBackup, password: string, file: string): Promise<Keyring> {
  const salt = Buffer.from(parsed.header.kdf.salt, 'base64');
  const keys = await deriveBackupKeys(password, salt, parsed.header.kdf);
  try {
    return openBackup(parsed, keys, file);
  } finally {
    disposeBackupKeys(keys);
  }
}

/** Decrypts with keys already derived (the read-back check after writing needs no second KDF run). */
export function openBackup(parsed: ParsedBackup, keys: DerivedKeys, file: string): Keyring {
  const { header } = parsed;
  let plaintext: Buffer | undefined;
  try {
    // parseBackup checked that the stored value has the derived one's 32 bytes.
    if (!timingSafeEqual(Buffer.from(header.passwordCheck, 'base64'), keys.passwordCheck)) {
      throw fail(
        'WRONG_PASSWORD',
        `the password does not open ${file}` +
          (header.reminder ? ` (reminder: "${header.reminder}")` : '') +
          ': enter the password given when this backup was made',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(header.nonce, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(parsed.authenticated);
      decipher.setAuthTag(parsed.payload.subarray(parsed.payload.length - TAG_BYTES));
      plaintext = Buffer.concat([decipher.update(parsed.payload.subarray(0, parsed.payload.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw damaged(file, 'its encrypted part fails authentication');
    }
    const keyring = decodeKeyringOrDamaged(plaintext, file);
    const msids = allSecrets(keyring).map((secret) => secret.msid);
    if (keyring.vaultId !== header.vaultId || msids.join() !== header.msids.join()) {
      disposeKeyring(keyring);
      throw damaged(file, 'its header does not describe its contents');
    }
    return keyring;
  } finally {
    plaintext?.fill(0);
  }
}

function decodeKeyringOrDamaged(plaintext: Buffer, file: string): Keyring {
  try {
    return decodeKeyring(plaintext);
  } catch {
    throw damaged(file, 'its contents do not have the expected layout');
  }
}

function readHeader(bytes: Buffer, file: string): BackupHeader {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw damaged(file, 'its header is not readable');
  }
  if (!isObject(value)) throw damaged(file, 'its header is not a JSON object');
  for (const [path, valid, expected] of HEADER_FIELDS) {
    if (!valid(field(value, path), value)) throw damaged(file, `its header field ${path} should be ${expected}`);
  }
  return value as unknown as BackupHeader;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isName = (value: unknown) => isText(value) && value.length > 0;
/** Canonical base64 of exactly `bytes` bytes: anything else was not written by Tessera. */
const isBase64Of = (bytes: number) => (value: unknown) =>
  isText(value) && Buffer.from(value, 'base64').length === bytes && Buffer.from(value, 'base64').toString('base64') === value;
const field = (header: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), header);
const msidsOf = (header: Json) => header.msids as string[];

/** Every header field and what Tessera always writes there, checked in this order. */
const HEADER_FIELDS: ReadonlyArray<[path: string, valid: (value: unknown, header: Json) => boolean, expected: string]> = [
  ['kdf.algorithm', (value) => value === 'argon2id', '"argon2id"'],
  ['kdf.version', (value) => value === 19, '19'],
  ['kdf.salt', isBase64Of(SALT_BYTES), `${SALT_BYTES} bytes in base64`],
  ['kdf.memoryKiB', Number.isSafeInteger, 'a whole number'],
  ['kdf.iterations', Number.isSafeInteger, 'a whole number'],
  ['kdf.parallelism', Number.isSafeInteger, 'a whole number'],
  ['cipher', (value) => value === 'aes-256-gcm', '"aes-256-gcm"'],
  ['nonce', isBase64Of(NONCE_BYTES), `${NONCE_BYTES} bytes in base64`],
  ['passwordCheck', isBase64Of(PASSWORD_CHECK_BYTES), `${PASSWORD_CHECK_BYTES} bytes in base64`],
  ['reminder', (value) => value === null || (isText(value) && [...value].length <= REMINDER_MAX_LENGTH), `null or at most ${REMINDER_MAX_LENGTH} characters`],
  ['vaultId', isName, 'a vault id'],
  ['msids', (value) => Array.isArray(value) && value.length > 0 && value.every(isName), 'a list of MSIDs'],
  ['currentMsid', (value, header) => value === msidsOf(header)[0], 'the first of msids'],
  ['previousMsid', (value, header) => value === (msidsOf(header)[1] ?? null), 'the second of msids, or null'],
  ['createdAt', (value) => isText(value) && !Number.isNaN(Date.parse(value)), 'a date'],
  ['createdBy', isText, 'a user name'],
  ['writer', isText, 'the name of the program that wrote it'],
  ['payloadLength', (value) => Number.isSafeInteger(value) && (value as number) > TAG_BYTES, 'a length in bytes'],
];

function truncated(file: string, actual: number, expected: number) {
  return fail(
    'BACKUP_TRUNCATED',
    `${file} is truncated: it has ${actual} bytes and should have at least ${expected}. ` +
      'It was cut off while being written or copied: use another copy of the backup',
  );
}

function damaged(file: string, why: string) {
  return fail('BACKUP_DAMAGED', `${file} is damaged: ${why}, so it was changed after it was written. Use another copy of the backup`);
}
