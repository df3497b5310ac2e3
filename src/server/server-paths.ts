import { existsSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { fail, isTesseraError } from '../errors/index.js';
import { backupHeaderOf } from '../service/index.js';

/** The largest backup file (keys/backup-file.ts): a bigger file is no backup. */
const MAX_BACKUP_BYTES = 1024 * 1024;

/**
 * Checks a file named by an HTTP caller for the master secret routes, a path on the server used
 * as the server's own OS user. An SSO administrator may name where backups go, but not turn the
 * server against itself: nothing inside Tessera's home or any of its own files (seal key,
 * database, log, configuration, TLS key) after links are resolved, and with `force` only an
 * existing Tessera backup is replaced.
 */
export async function checkServerPath(file: string, guarded: readonly string[], options: { replacing: boolean }): Promise<string> {
  if (!isAbsolute(file)) throw fail('REQUEST_INVALID', `file must be an absolute path on the server, not ${JSON.stringify(file)}`);
  const parent = dirname(file);
  // A missing directory is the service's to report, with the same 10560 text as on the CLI.
  if (!existsSync(parent)) return file;
  const target = join(realpathSync(parent), basename(file));
  const resolved = existsSync(target) ? realpathSync(target) : target;
  for (const path of guarded) {
    const real = existsSync(path) ? realpathSync(path) : path;
    const inside = relative(real, resolved);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
      throw fail(
        'REQUEST_INVALID',
        `${file} is ${inside === '' ? '' : 'inside '}${real}, one of the Tessera server's own files or directories: write backups elsewhere, e.g. /var/backups/tessera`,
      );
    }
  }
  if (options.replacing && existsSync(resolved)) await requireBackup(resolved, file);
  return file;
}

/** With force, the file replaced must itself be a Tessera backup: force is for rotating backups, not for overwriting anything. */
async function requireBackup(resolved: string, file: string): Promise<void> {
  const notBackup = () => fail('REQUEST_INVALID', `${file} exists and is not a Tessera backup file: force replaces only a backup; choose another file`);
  const handle = await open(resolved, 'r').catch(() => undefined);
  if (!handle) return; // unreadable: the service says why, as on the CLI
  try {
    const { size, isFile } = await handle.stat().then((stat) => ({ size: stat.size, isFile: stat.isFile() }));
    if (!isFile || size > MAX_BACKUP_BYTES) throw notBackup();
    const bytes = Buffer.alloc(size);
    await handle.read(bytes, 0, size, 0);
    try {
      backupHeaderOf(bytes, file);
    } catch (error) {
      if (isTesseraError(error)) throw notBackup();
      throw error;
    }
  } finally {
    await handle.close();
  }
}
