/**
 * Real file-system faults for the CLI suites: small tmpfs mounts that are read-only or full.
 * Mounting needs root; suites skip those tests with `it.skipIf(!isRoot)`.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** True when the tests run as root (CI does): mounts, chown and uid switching need it. */
export const isRoot = process.getuid?.() === 0;

/** The unprivileged user permission tests run the CLI as. */
export const NOBODY = { uid: 65534, gid: 65534, name: 'nobody' } as const;

export interface TmpfsOptions {
  /** Size as mount(8) takes it: "1m", "64k". */
  size: string;
  readOnly?: boolean;
}

/** Creates `dir` if needed and mounts a fresh tmpfs there. Pair it with `unmount(dir)` in a finally. */
export function mountTmpfs(dir: string, options: TmpfsOptions): void {
  mkdirSync(dir, { recursive: true });
  const flags = [options.readOnly ? 'ro' : 'rw', `size=${options.size}`, 'mode=0755'];
  execFileSync('mount', ['-t', 'tmpfs', '-o', flags.join(','), 'tmpfs', dir], { stdio: 'pipe' });
}

/** Unmounts `dir`, lazily if something still holds it, so a failed test never leaves a mount behind. */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Mounts a tmpfs at `dir` for the duration of `body`, and always unmounts it. */
export async function withTmpfs<T>(dir: string, options: TmpfsOptions, body: (dir: string) => Promise<T>): Promise<T> {
  mountTmpfs(dir, options);
  try {
    return await body(dir);
  } finally {
    unmount(dir);
  }
}

/** Bytes an unprivileged writer could still store on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/**
 * Fills the file system holding `dir` with one file (`name`) until the kernel answers ENOSPC,
 * down to single bytes, so not even a small file fits afterwards. Returns the bytes written.
 */
export function fillFileSystem(dir: string, name = 'filler'): number {
  const fd = openSync(join(dir, name), 'wx', 0o600);
  let written = 0;
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          const count = writeSync(fd, chunk);
          written += count;
          if (count < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
