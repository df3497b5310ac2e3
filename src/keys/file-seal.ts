import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors/index.js';
import { openOwnFile } from '../files/index.js';
import { KEY_BYTES, openEnvelope, sealEnvelope } from './aead.js';
import { fsyncDirectory } from './durable-file.js';
import type { Seal } from './seal.js';

/**
 * A seal key kept in a local file: 8 bytes of magic then 32 random bytes, mode 0600.
 * Whoever can read the file and the database can read every secret, so the file is
 * refused when other users could read it (as ssh does with private keys), and whoever could
 * write it or its directory could make Tessera seal with a key of theirs: the file is opened
 * only through openOwnFile (no link followed, our own file, a directory only we can change).
 */
export const SEAL_KEY_ROLE = 'the seal key file';
const MAGIC = Buffer.from('TSRSEAL1', 'ascii');
const FILE_BYTES = MAGIC.length + KEY_BYTES;

export function createKeyFile(path: string): Seal {
  // O_EXCL: never overwrite an existing seal key; that would orphan every secret sealed by it.
  const { fd } = openOwnFile(path, { role: SEAL_KEY_ROLE, access: 'readwrite', create: 'new', checkDirectory: true });
  const key = randomBytes(KEY_BYTES);
  const contents = Buffer.concat([MAGIC, key]);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } catch (error) {
    // A partial key sealed nothing yet; left behind it would look like a stray key.
    key.fill(0);
    unlinkSync(path);
    throw error;
  } finally {
    closeSync(fd);
    contents.fill(0);
  }
  fsyncDirectory(dirname(path));
  return new FileSeal(key);
}

export function openKeyFile(path: string): Seal {
  let fd: number;
  let mode: number;
  try {
    ({
      fd,
      stat: { mode },
    } = openOwnFile(path, { role: SEAL_KEY_ROLE, access: 'read', create: 'never', checkDirectory: true }));
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
    if ((mode & 0o077) !== 0) {
      throw fail(
        'SEAL_KEY_EXPOSED',
        `the seal key file ${path} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): ` +
          `run chmod 600 ${path}, and consider whether the key has leaked`,
      );
    }
    const length = readSync(fd, contents, 0, contents.length, 0);
    if (length !== FILE_BYTES || !contents.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw fail(
        'SEAL_KEY_INVALID',
        `${path} is not a Tessera seal key (expected ${FILE_BYTES} bytes starting with ${MAGIC.toString('ascii')}): ` +
          "put the vault's seal.key back, or restore the master secret from a backup",
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
    // lstat: a link or anything else at the path counts, so it is never created over.
    exists: () => lstatSync(path, { throwIfNoEntry: false }) !== undefined,
    open: () => openKeyFile(path),
    create: () => createKeyFile(path),
  };
}
