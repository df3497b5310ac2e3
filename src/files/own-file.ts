/**
 * Opens a file of Tessera's without following a symbolic link, and keeps the descriptor only
 * if the file it names is a regular file of the running user that nobody else may write and
 * that has no other name. Every check is made on the open descriptor (fstat), so nothing can
 * be swapped between the check and the use.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { runningUid } from './identity.js';
import { fileHasOtherNames, fileIsLink, fileOfAnother, fileWritableByOthers, notARegularFile } from './refusals.js';
import { trustDirectory } from './trusted-directory.js';

export interface OwnFileOptions {
  /** What the file is, in messages: "the seal key file", "the log file". */
  role: string;
  access: 'read' | 'append' | 'readwrite';
  /** 'new' must create it (O_EXCL: EEXIST if anything is there), 'never' must find it. */
  create: 'new' | 'if-missing' | 'never';
  /**
   * True: the file's directory must pass trustDirectory (created if `create` allows), because
   * the file is opened by path again later. False: the directory may be one others write (a
   * backup target such as /tmp), so only the descriptor is trusted, or the caller checked it.
   */
  checkDirectory: boolean;
}

export interface OwnFile {
  fd: number;
  stat: Stats;
}

const ACCESS = { read: constants.O_RDONLY, append: constants.O_WRONLY | constants.O_APPEND, readwrite: constants.O_RDWR } as const;
const CREATE = { new: constants.O_CREAT | constants.O_EXCL, 'if-missing': constants.O_CREAT, never: 0 } as const;
// O_NONBLOCK: a planted named pipe must not hang the open; it changes nothing for a regular file.
const ALWAYS = constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export function openOwnFile(path: string, options: OwnFileOptions): OwnFile {
  if (options.checkDirectory) trustDirectory(dirname(path), { role: `the directory of ${options.role}`, create: options.create !== 'never' });
  const me = runningUid();
  let fd: number;
  try {
    fd = openSync(path, ACCESS[options.access] | CREATE[options.create] | ALWAYS, 0o600);
  } catch (error) {
    throw explainRefusedOpen(error, path, options.role, me);
  }
  try {
    const stat = fstatSync(fd);
    checkOwnFile(options.role, path, stat, me);
    return { fd, stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Checks an entry Tessera does not open itself (SQLite's -wal and -shm) by lstat: absent,
 * or a file that openOwnFile would accept. Returns its stat, or undefined when absent.
 */
export function checkOwnEntry(path: string, role: string): Stats | undefined {
  const me = runningUid();
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stat.isSymbolicLink()) throw fileIsLink({ role, path, stat, me }, linkTarget(path));
  checkOwnFile(role, path, stat, me);
  return stat;
}

/** True when both name the same file: a path still leads to the file a descriptor holds. */
export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function checkOwnFile(role: string, path: string, stat: Stats, me: number): void {
  const found = { role, path, stat, me };
  if (!stat.isFile()) throw notARegularFile(found);
  if (stat.uid !== me) throw fileOfAnother(found);
  if ((stat.mode & 0o022) !== 0) throw fileWritableByOthers(found);
  // Another name could sit where someone else can unlink, re-link or read it.
  if (stat.nlink !== 1) throw fileHasOtherNames(found);
}

/**
 * ELOOP is O_NOFOLLOW meeting a link; EACCES can be the kernel's protected_regular refusing
 * another user's file in a sticky directory; ENXIO a named pipe. Name those for what they are.
 */
function explainRefusedOpen(error: unknown, path: string, role: string, me: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ELOOP' && code !== 'EACCES' && code !== 'EPERM' && code !== 'ENXIO') return error;
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return error;
  }
  const found = { role, path, stat, me };
  if (stat.isSymbolicLink()) return fileIsLink(found, linkTarget(path));
  if (!stat.isFile()) return notARegularFile(found);
  if (stat.uid !== me) return fileOfAnother(found);
  return error;
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '(unreadable)';
  }
}
