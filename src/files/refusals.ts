/**
 * The words for every refusal of a file or directory someone else could control: what was
 * found (path, owner, mode), why it matters, and the command that fixes it.
 */
import type { Stats } from 'node:fs';
import { fail, type TesseraError } from '../errors/index.js';
import { chownName, describeUid, modeText } from './identity.js';

/** `role` names what the path is for, e.g. "the seal key file" or "Tessera's home". */
export interface Found {
  role: string;
  path: string;
  stat: Stats;
  /** The uid Tessera runs as. */
  me: number;
  /** The path as given, when a link led from it to `path`. */
  via?: string;
}

const shown = (f: Found) => (f.via === undefined ? f.path : `${f.via} (a link to ${f.path})`);

const found = ({ stat }: Found) => `owned by ${describeUid(stat.uid)} with mode ${modeText(stat.mode)}`;

export function directoryOfAnother(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${shown(f)} is ${found(f)}, but Tessera runs as ${describeUid(f.me)}: its owner may have planted files in it ` +
      `(a seal key they know would open every credential) and can replace them at any time. ` +
      `Check what it holds, then run: chown ${chownName(f.me)} ${f.path} && chmod 700 ${f.path}`,
  );
}

export function directoryWritableByOthers(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${shown(f)} is ${found(f)}: group or others may write it, so they could plant or replace files in it. ` +
      `Check what it holds, then run: chmod 700 ${f.path}`,
  );
}

/**
 * Refusals of a directory on the way: `f.path` is that directory, `f.role` what the walk leads
 * to ("Tessera's home /x"), `child` the entry of it that could be replaced.
 */
export function parentOfAnother(f: Found, child: string): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.path}, on the way to ${f.role}, is ${found(f)}: that user can rename ${child} and put their own in its place. ` +
      `Run: chown ${chownName(0)} ${f.path}, or choose a place whose parent directories belong to ${owners(f.me)}`,
  );
}

/** Without the sticky bit, whoever may write a directory may rename anything in it. */
export function parentWritableByOthers(f: Found, child: string): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.path}, on the way to ${f.role}, is ${found(f)}: group or others may write it, so they can rename ${child} ` +
      `and put their own in its place. Run: chmod go-w ${f.path} (or chmod +t ${f.path}, so that only an entry's owner may ` +
      `rename it), or choose a place whose parent directories only ${owners(f.me)} may write`,
  );
}

/** A symbolic link on the way, in a directory others may write, whose owner can delete and remake it. */
export function linkOfAnother(f: Found, directory: string, target: string): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.path} (on the way to ${f.role}) is a symbolic link to ${target} ${found(f)}, in ${directory}, which others may ` +
      `write: its owner can point it elsewhere at any time. Check where it points, then run: chown -h ${chownName(f.me)} ${f.path}, ` +
      'or give the real path instead of the link',
  );
}

export function fileOfAnother(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${f.path} is ${found(f)}, but Tessera runs as ${describeUid(f.me)}: that user may have written it, ` +
      `and can read or change it at any time. Check it, then run: chown ${chownName(f.me)} ${f.path} && chmod 600 ${f.path}`,
  );
}

export function fileWritableByOthers(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${f.path} is ${found(f)}: group or others may write it, so they could have changed it. ` + `Check it, then run: chmod 600 ${f.path}`,
  );
}

export function fileIsLink(f: Found, target: string): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${f.path} is a symbolic link to ${target} ${found(f)}: Tessera never opens its files through a link, ` +
      "which could send its reads and writes to another user's file or a system file; nothing was read or written through it. " +
      `Remove the link (rm ${f.path}) and put the file itself there`,
  );
}

export function fileHasOtherNames(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${f.path} (${found(f)}) has ${f.stat.nlink} hard links: the same file has another name, maybe where ` +
      `another user can reach it. Give it a single name: cp -p ${f.path} ${f.path}.copy && mv ${f.path}.copy ${f.path}`,
  );
}

export function notARegularFile(f: Found): TesseraError {
  return fail(
    'UNSAFE_FILE',
    `${f.role} ${f.path} is ${kindOf(f.stat)} ${found(f)}, not a regular file: move it away (mv ${f.path} ${f.path}.away) ` + 'and let Tessera create the file',
  );
}

function owners(me: number): string {
  return me === 0 ? chownName(0) : `${chownName(me)} or ${chownName(0)}`;
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a special file';
}
