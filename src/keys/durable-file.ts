import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { access, constants, link, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/** A Node-style error, so one explainer turns it into plain words whether we or the OS raised it. */
export function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'check' });
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
 */
export async function writeFileAtomically(target: string, contents: Buffer, options: AtomicWriteOptions): Promise<void> {
  const step = (name: string) => options.step?.(`${options.stepPrefix}:${name}`);
  const directory = dirname(target);
  // A short fixed-length name: a long target name must not make the temp name too long.
  const temp = join(directory, `.tessera-${randomBytes(8).toString('hex')}.tmp`);
  let tempExists = false;
  try {
    const handle = await open(temp, 'wx', 0o600);
    tempExists = true;
    step('temp-created');
    try {
      await handle.writeFile(contents);
      step('temp-written');
      await handle.sync();
      step('temp-synced');
    } finally {
      await handle.close();
    }
    const readBack = await readFile(temp);
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
    step('committed');
    fsyncDirectory(directory);
    step('directory-synced');
  } catch (error) {
    if (tempExists) await unlink(temp).catch(() => undefined);
    throw error;
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
