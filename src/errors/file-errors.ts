import { existsSync, statSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { errorCatalog, isErrorCode } from './catalog.js';
import { TesseraError } from './tessera-error.js';

export type FileAction = 'write' | 'read';

interface Context {
  /** Absolute path of the file the operation was about. */
  path: string;
  action: FileAction;
  /** The OS user the process runs as, named in permission messages. */
  osUser: string;
}

/** Longest single name most Linux file systems accept, in bytes. */
const NAME_MAX = 255;
const PATH_MAX = 4096;

/**
 * Turns a failed file operation into a catalogued error whose code is the system's
 * (EACCES, ENOSPC, ...) and whose message names the cause in plain words and the fix.
 * The caller prefixes what it was doing ("Failed to back up the master secret to X").
 */
export function explainFileError(error: unknown, context: Context): TesseraError {
  if (error instanceof TesseraError) return error;
  if (!isFileSystemError(error)) {
    // Not about the file (a database outage, a bug): say so rather than blame the path.
    const detail = error instanceof Error ? error.message : String(error);
    return new TesseraError('INTERNAL', `an unexpected failure, not about ${context.path}: ${detail}`, { status: 500, cause: error });
  }
  const code = systemCode(error);
  const message = describe(code, context);
  if (isErrorCode(code)) {
    const entry: { status: number; event?: number } = errorCatalog[code];
    return new TesseraError(code, message, { status: entry.status, eventId: entry.event, cause: error });
  }
  return new TesseraError(code, message, { status: 500, cause: error });
}

const FILE_SYSCALLS = new Set(['open', 'read', 'write', 'close', 'fsync', 'rename', 'link', 'unlink', 'lstat', 'stat', 'access', 'mkdir', 'scandir']);

/** Errors raised by a file operation: Node's fs errors name their syscall; ours say 'check'. */
function isFileSystemError(error: unknown): boolean {
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  return typeof syscall === 'string' && (FILE_SYSCALLS.has(syscall) || syscall === 'check');
}

function systemCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : 'EIO';
}

function describe(code: string, { path, action, osUser }: Context): string {
  const directory = dirname(path);
  switch (code) {
    case 'ENOENT': {
      if (action === 'read') return `file ${path} does not exist: check the path and the file name`;
      const missing = firstMissingDirectory(directory);
      return `directory ${missing} does not exist: create it or choose another path`;
    }
    case 'ENOTDIR': {
      const file = firstNonDirectory(path);
      return `${file} is a file, not a directory: choose a path whose directories exist`;
    }
    case 'EACCES':
    case 'EPERM':
      return action === 'write'
        ? `permission denied: user ${osUser} may not create files in directory ${directory}${describeOwner(directory)}: ` +
            'grant that user write permission there, or choose a directory it can write to'
        : `permission denied: user ${osUser} may not read ${path}${describeOwner(path)}: ` +
            'grant that user read permission, or copy the file somewhere it can read';
    case 'ENOSPC':
      return `the file system holding ${directory} is full: free some space there or choose a path on another disk (nothing was left behind)`;
    case 'EDQUOT':
      return `user ${osUser} has used up the disk quota on the file system holding ${directory}: free some space or choose another disk`;
    case 'EFBIG':
      return `the file system holding ${directory} does not accept a file this large: choose another disk`;
    case 'EROFS':
      return `the file system holding ${directory} is mounted read-only: choose a path on a writable file system`;
    case 'EEXIST':
      return `${path} already exists: pass --force to replace it (the old file stays intact until the new one is verified), or choose another name`;
    case 'EISDIR':
      return action === 'write'
        ? `${path} is a directory: give the name of a file to create inside it, for example ${path.replace(/\/$/, '')}/tessera-secret.bak`
        : `${path} is a directory: give the name of the backup file`;
    case 'ENAMETOOLONG':
      return describeLongPath(path);
    case 'ELOOP':
      return `${path} goes through too many symbolic links: give the real path`;
    case 'EIO':
      return `the device holding ${directory} reported an input/output error: check the disk and the system log, or choose another disk`;
    default:
      return `the operating system refused to ${action} ${path} (${code}): check the path and its file system`;
  }
}

function describeLongPath(path: string): string {
  const longest = path.split('/').reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a), '');
  const bytes = Buffer.byteLength(longest);
  if (bytes > NAME_MAX) {
    return `the name "${longest.slice(0, 24)}…" is ${bytes} bytes long and the file system allows ${NAME_MAX}: choose a shorter file or directory name`;
  }
  return `the path is ${Buffer.byteLength(path)} bytes long and the system allows ${PATH_MAX}: choose a shorter path`;
}

function firstMissingDirectory(directory: string): string {
  // Name the topmost directory that is missing: that is the one the user must create.
  let missing = directory;
  let parent = dirname(missing);
  while (parent !== missing && !existsSync(parent)) {
    missing = parent;
    parent = dirname(missing);
  }
  return missing;
}

function firstNonDirectory(path: string): string {
  const { root } = parse(path);
  let current = root;
  for (const part of path.slice(root.length).split('/').filter(Boolean)) {
    current = current === root ? `${root}${part}` : `${current}/${part}`;
    try {
      if (!statSync(current).isDirectory()) return current;
    } catch {
      break;
    }
  }
  return dirname(path);
}

function describeOwner(path: string): string {
  try {
    const stat = statSync(path);
    return ` (owner uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`;
  } catch {
    return '';
  }
}
