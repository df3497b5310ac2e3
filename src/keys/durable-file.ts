import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readSync, rmSync, type Stats, writeSync } from 'node:fs';
import { access, constants, link, lstat, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail } from '../errors/index.js';
import { openOwnFile, sameFile, systemError } from '../files/index.js';

export { systemError };

/** Called at each durable step, so crash tests can stop the process exactly there. */
export type StepHook = (step: string) => void;

export interface AtomicWriteOptions {
  /** Replace an existing file. Without it an existing target is an EEXIST failure. */
  overwrite: boolean;
  /** Checks the bytes read back from disk before they become the target. */
  verify(readBack: Buffer): Promise<void>;
  step?: StepHook;
  /** Prefix of the step names, e.g. 'backup'. */
  stepPrefix: string;
}

/**
 * Fails early, before any expensive work, for the causes we can see from outside:
 * a directory as target, an existing file, a missing or read-only directory.
 */
export async function checkWritableTarget(target: string, overwrite: boolean): Promise<void> {
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isDirectory()) throw systemError('EISDIR', `${target} is a directory`);
  if (existing && !overwrite) throw systemError('EEXIST', `${target} exists`);
  const name = basename(target);
  if (Buffer.byteLength(name) > 255) throw systemError('ENAMETOOLONG', `${name} is too long`);
  await access(dirname(target), constants.W_OK | constants.X_OK);
}

/**
 * Writes `contents` so that the target is either absent/unchanged or complete and verified:
 * temp file beside the target (0600), write, fsync, read back and verify, then link (no
 * overwrite: fails if the target appeared meanwhile) or rename (overwrite), then fsync the
 * directory. The old target stays intact until the new bytes are verified.
 *
 * The target's directory may be one others write (/tmp): the temp file is created new
 * (O_EXCL, no link followed) and checked on its descriptor, written and read back through that
 * descriptor only, and after the link or rename the target must be that very file.
 */
export async function writeFileAtomically(target: string, contents: Buffer, options: AtomicWriteOptions): Promise<void> {
  const step = (name: string) => options.step?.(`${options.stepPrefix}:${name}`);
  const directory = dirname(target);
  // A short fixed-length name: a long target name must not make the temp name too long.
  const temp = join(directory, `.tessera-${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined;
  let tempExists = false;
  try {
    const file = openOwnFile(temp, { role: 'the backup temp file', access: 'readwrite', create: 'new', checkDirectory: false });
    fd = file.fd;
    tempExists = true;
    step('temp-created');
    writeAll(fd, contents);
    step('temp-written');
    fsyncSync(fd);
    step('temp-synced');
    const readBack = readAll(fd, contents.length);
    if (!readBack.equals(contents)) throw systemError('EIO', `${temp} read back differs from what was written`);
    await options.verify(readBack);
    step('verified');
    if (options.overwrite) {
      await rename(temp, target);
      tempExists = false;
    } else {
      await link(temp, target); // EEXIST if someone created the target meanwhile
      step('linked');
      await unlink(temp);
      tempExists = false;
    }
    checkCommitted(target, temp, file.stat, !options.overwrite);
    step('committed');
    fsyncDirectory(directory);
    step('directory-synced');
  } catch (error) {
    if (tempExists) await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whoever may rename entries of a shared directory could have put another file under the
 * temp name before the link or rename: the target must be the file written and verified.
 * A name we linked to another file is taken away again; a rename cannot be undone.
 */
function checkCommitted(target: string, temp: string, written: Stats, linked: boolean): void {
  const now = lstatSync(target, { throwIfNoEntry: false });
  if (now && sameFile(now, written)) return;
  if (linked) rmSync(target, { force: true });
  const outcome = linked ? `so Tessera removed ${target} again` : `so ${target} is not the verified backup: delete it`;
  throw fail(
    'UNSAFE_FILE',
    `the backup temp file ${temp} was replaced by another file before it became ${target}: others may rename files in ` +
      `${dirname(target)}, ${outcome}. Write backups to a directory only you can write, or one with the sticky bit (chmod +t)`,
  );
}

function writeAll(fd: number, contents: Buffer): void {
  for (let written = 0; written < contents.length; ) written += writeSync(fd, contents, written, contents.length - written);
}

/** Reads the file from its start, one byte more than expected so a longer file shows. */
function readAll(fd: number, expected: number): Buffer {
  const buffer = Buffer.alloc(expected + 1);
  let total = 0;
  for (;;) {
    const count = readSync(fd, buffer, total, buffer.length - total, total);
    if (count === 0 || (total += count) === buffer.length) return buffer.subarray(0, total);
  }
}

/** Makes a rename or create in `directory` durable across power loss. */
export function fsyncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
