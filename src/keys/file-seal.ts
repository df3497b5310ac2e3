import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors/index.js';
import { KEY_BYTES, openEnvelope, sealEnvelope } from './aead.js';
import { fsyncDirectory } from './durable-file.js';
import type { Seal } from './seal.js';

/**
 * A seal key kept in a local file: 8 bytes of magic then 32 random bytes, mode 0600.
 * Whoever can read the file and the database can read every secret, so the file is
 * refused when other users could read it (as ssh does with private keys).
 */
const MAGIC = Buffer.from('TSRSEAL1', 'ascii');
const FILE_BYTES = MAGIC.length + KEY_BYTES;

export function createKeyFile(path: string): Seal {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const contents = Buffer.concat([MAGIC, key]);
  // 'wx': never overwrite an existing seal key; that would orphan every secret sealed by it.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    contents.fill(0);
  }
  fsyncDirectory(dirname(path));
  return new FileSeal(key);
}

export function openKeyFile(path: string): Seal {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw fail(
        'SEAL_KEY_MISSING',
        `the seal key file ${path} is missing, so the keyring in the database cannot be unsealed: ` +
          'copy seal.key from another node of this vault, or restore the master secret from a backup (tessera secret restore FILE)',
        error,
      );
    }
    throw error;
  }
  const contents = Buffer.alloc(FILE_BYTES + 1);
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw fail(
        'SEAL_KEY_EXPOSED',
        `the seal key file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): ` +
          `run chmod 600 ${path}, and consider whether the key has leaked`,
      );
    }
    const length = readSync(fd, contents, 0, contents.length, 0);
    if (length !== FILE_BYTES || !contents.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw fail(
        'SEAL_KEY_INVALID',
        `${path} is not a Tessera seal key (expected ${FILE_BYTES} bytes starting with ${MAGIC.toString('ascii')}): ` +
          'put the vault\'s seal.key back, or restore the master secret from a backup',
      );
    }
    const key = Buffer.alloc(KEY_BYTES);
    contents.copy(key, 0, MAGIC.length, FILE_BYTES);
    return new FileSeal(key);
  } finally {
    contents.fill(0);
    closeSync(fd);
  }
}

class FileSeal implements Seal {
  readonly kind = 'file';
  readonly keyId: string;
  #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
    // The id is derived from the key, so it needs no storage and reveals nothing of it.
    this.keyId = 'file:' + createHmac('sha256', key).update('tessera seal key id v1').digest('hex').slice(0, 16);
  }

  seal(plaintext: Buffer, aad: Buffer): Buffer {
    return sealEnvelope(this.#key, this.keyId, plaintext, aad);
  }

  unseal(sealed: Buffer, aad: Buffer): Buffer {
    return openEnvelope(this.#key, sealed, aad);
  }

  dispose(): void {
    this.#key.fill(0);
  }
}

/** The seal source the CLI and server use for a key file at `path`. */
export function keyFileSealSource(path: string) {
  return {
    description: `key file ${path}`,
    exists: () => existsSync(path),
    open: () => openKeyFile(path),
    create: () => createKeyFile(path),
  };
}
