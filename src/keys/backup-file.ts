import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail } from '../errors/index.js';
import { type DerivedKeys, type KdfParameters, deriveBackupKeys } from './kdf.js';
import { type Keyring, allSecrets, decodeKeyring, disposeKeyring, encodeKeyring } from './keyring.js';

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
const MAX_HEADER_BYTES = 64 * 1024;

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
  const salt = randomBytes(16);
  return { ...(await deriveBackupKeys(password, salt, kdf)), salt, kdf };
}

export function disposeBackupKeys(keys: DerivedKeys): void {
  keys.encryptionKey.fill(0);
}

export function encryptBackup(keyring: Keyring, keys: BackupKeys, options: EncryptOptions): Buffer {
  const { salt } = keys;
  const nonce = randomBytes(12);
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
    return Buffer.concat([authenticated, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } finally {
    plaintext.fill(0);
  }
}

export interface ParsedBackup {
  header: BackupHeader;
  authenticated: Buffer;
  payload: Buffer;
}

/** Reads and checks everything that needs no password; `file` only names it in messages. */
export function parseBackup(bytes: Buffer, file: string): ParsedBackup {
  if (bytes.length < BACKUP_MAGIC.length || !bytes.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) {
    throw fail(
      'BACKUP_NOT_A_BACKUP',
      `${file} is not a Tessera master secret backup (it does not start with "TSRBAK"): check that you chose the right file`,
    );
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
    const stored = Buffer.from(header.passwordCheck, 'base64');
    if (stored.length !== keys.passwordCheck.length || !timingSafeEqual(stored, keys.passwordCheck)) {
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
  const header = value as BackupHeader;
  const valid =
    typeof header === 'object' && header !== null &&
    typeof header.kdf === 'object' && header.kdf !== null && header.kdf.algorithm === 'argon2id' && header.kdf.version === 19 &&
    typeof header.kdf.salt === 'string' && header.cipher === 'aes-256-gcm' &&
    typeof header.nonce === 'string' && typeof header.passwordCheck === 'string' &&
    (header.reminder === null || typeof header.reminder === 'string') &&
    typeof header.vaultId === 'string' && typeof header.currentMsid === 'string' &&
    (header.previousMsid === null || typeof header.previousMsid === 'string') &&
    Array.isArray(header.msids) && header.msids.every((msid) => typeof msid === 'string') &&
    typeof header.createdAt === 'string' && typeof header.createdBy === 'string' &&
    Number.isSafeInteger(header.payloadLength) && header.payloadLength > TAG_BYTES;
  if (!valid) throw damaged(file, 'its header is missing fields or has fields of the wrong type');
  return header;
}

function truncated(file: string, actual: number, expected: number) {
  return fail(
    'BACKUP_TRUNCATED',
    `${file} is truncated: it has ${actual} bytes and should have at least ${expected}. ` +
      'It was cut off while being written or copied: use another copy of the backup',
  );
}

function damaged(file: string, why: string) {
  return fail(
    'BACKUP_DAMAGED',
    `${file} is damaged: ${why}, so it was changed after it was written. Use another copy of the backup`,
  );
}
