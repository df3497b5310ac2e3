/**
 * Walks a directory path from / the way the kernel resolves it, one entry at a time, and
 * refuses it unless nobody but the running user and root could change what it leads to.
 * See docs/home.md for the rules and why each one is there.
 */
import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { systemError } from './system-error.js';
import { runningUid } from './identity.js';
import { type Found, directoryOfAnother, directoryWritableByOthers, linkOfAnother, parentOfAnother, parentWritableByOthers } from './refusals.js';

export interface TrustOptions {
  /** What the directory is for, in messages: "Tessera's home", "the database's directory". */
  role: string;
  /** Create missing directories owner-only (mode 0700), as `mkdir -p` would. */
  create: boolean;
}

/** As the kernel's limit on symbolic links in one lookup. */
const MAX_LINKS = 40;
const WRITABLE_BY_OTHERS = 0o022;
const STICKY = 0o1000;

/**
 * Returns the real path of `path`, a directory that must belong to the running user and be
 * writable by nobody else; every directory above it must belong to root or that user, and be
 * writable by nobody else unless sticky (then only an entry's owner may rename it). A symbolic
 * link on the way is followed only when nobody else could re-point it.
 * Throws UNSAFE_FILE for a failed rule, and the system's error (ENOENT, EACCES, ENOTDIR, ELOOP)
 * for a path that cannot be walked.
 */
export function trustDirectory(path: string, options: TrustOptions): string {
  const me = runningUid();
  // Refusals of what lies on the way name where the walk was going.
  const toward = `${options.role} ${path}`;
  let current = '/';
  let currentStat = lstatSync(current);
  const pending = path.split('/');
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      // `current` never holds a link, so its parent is the real parent.
      current = parentOf(current);
      currentStat = lstatSync(current);
      continue;
    }
    const next = current === '/' ? `/${name}` : `${current}/${name}`;
    // The parent first: nothing is created in a directory that is refused.
    checkParent(toward, current, currentStat, next, me);
    const entry = lstatOrCreate(next, options.create);
    if (entry.isSymbolicLink()) {
      const target = readlinkSync(next);
      checkLink(toward, current, currentStat, next, entry, target, me);
      if (++links > MAX_LINKS) throw systemError('ELOOP', `${path} goes through more than ${MAX_LINKS} symbolic links`);
      pending.unshift(...target.split('/'));
      if (target.startsWith('/')) {
        current = '/';
        currentStat = lstatSync(current);
      }
      continue;
    }
    if (!entry.isDirectory()) throw systemError('ENOTDIR', `${next} is not a directory`);
    current = next;
    currentStat = entry;
  }
  // Reached through a link: the message names both, and the fix the real directory.
  checkPrivate({ role: options.role, path: current, stat: currentStat, me, ...(links > 0 ? { via: path } : {}) });
  return current;
}

function lstatOrCreate(path: string, create: boolean): Stats {
  try {
    return lstatSync(path);
  } catch (error) {
    if (!create || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    // Someone created it meanwhile: it is judged below like any entry found there.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return lstatSync(path);
}

/** Whoever may rename entries of `directory` could replace `child` with their own. */
function checkParent(role: string, directory: string, stat: Stats, child: string, me: number): void {
  const found = { role, path: directory, stat, me };
  if (stat.uid !== 0 && stat.uid !== me) throw parentOfAnother(found, child);
  if ((stat.mode & WRITABLE_BY_OTHERS) !== 0 && (stat.mode & STICKY) === 0) throw parentWritableByOthers(found, child);
}

/**
 * In a directory others may write (sticky, or checkParent would have refused it), a link's
 * owner can delete it and make another: follow only links that belong to root or to us.
 */
function checkLink(role: string, directory: string, parent: Stats, link: string, stat: Stats, target: string, me: number): void {
  if ((parent.mode & WRITABLE_BY_OTHERS) !== 0 && stat.uid !== 0 && stat.uid !== me) {
    throw linkOfAnother({ role, path: link, stat, me }, directory, target);
  }
}

/** The directory itself holds Tessera's files: only its user may add, remove or rename any. */
function checkPrivate(found: Found): void {
  if (found.stat.uid !== found.me) throw directoryOfAnother(found);
  if ((found.stat.mode & WRITABLE_BY_OTHERS) !== 0) throw directoryWritableByOthers(found);
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}
