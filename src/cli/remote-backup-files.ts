/** The local side of a backup made on, or uploaded to, a Tessera server: its file here, with the local wording. */
import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LocalBackupFiles } from '../client/index.js';
import { explainFileError, isTesseraError, withMessage } from '../errors/index.js';
import { systemError } from '../files/index.js';
import { backupHeaderOf } from '../service/index.js';
import { readFileAtMost, writeBytes } from './input.js';

/** The largest backup file, as the local restore reads it (docs/backup-format.md). */
const BACKUP_MAX_BYTES = 1024 * 1024;

export function localBackupFiles(osUser: string): LocalBackupFiles {
  // Worded as the local backup words its failures, so a script sees the same line either way.
  const backupFailed = (file: string, error: unknown) => {
    const cause = isTesseraError(error) ? error : explainFileError(error, { path: file, action: 'write', osUser });
    return withMessage(cause, `Failed to back up the master secret to ${file}: ${cause.message}`);
  };
  return {
    async checkTarget(file, force) {
      try {
        const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (existing?.isDirectory()) throw systemError('EISDIR', `${file} is a directory`);
        if (existing && !force) throw systemError('EEXIST', `${file} exists`);
        if (Buffer.byteLength(basename(file)) > 255) throw systemError('ENAMETOOLONG', `${basename(file)} is too long`);
        await access(dirname(file), constants.W_OK | constants.X_OK);
      } catch (error) {
        throw backupFailed(file, error);
      }
    },
    async write(file, bytes, force) {
      try {
        await writeBytes(file, bytes, { force, osUser });
      } catch (error) {
        throw backupFailed(file, error);
      }
    },
    async read(file) {
      let bytes: Buffer;
      try {
        bytes = await readFileAtMost(file, BACKUP_MAX_BYTES);
      } catch (error) {
        throw isTesseraError(error) ? error : explainFileError(error, { path: file, action: 'read', osUser });
      }
      return { bytes, info: backupHeaderOf(bytes, file) };
    },
  };
}
