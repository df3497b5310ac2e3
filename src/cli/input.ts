import { randomBytes } from 'node:crypto';
import { type FileHandle, link, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { explainFileError, fail } from '../errors/index.js';
import { decodeUtf8 } from '../files/index.js';

/**
 * The most a line-oriented input may hold (a password, a ticket, credential values, config
 * values): far above any of them (32 fields of 4096 bytes), far below what memory notices.
 * XML files have their own maximum (XML_MAX_BYTES). See docs/names.md.
 */
export const LINE_INPUT_MAX_BYTES = 1024 * 1024;

/**
 * Reads FILE as UTF-8, or standard input for "-", refusing more than `maxBytes` before reading
 * it whole (a file's size is checked with fstat first) and bytes that are not UTF-8.
 * File failures are worded by the file-error explainer.
 */
export async function readText(file: string, osUser: string, maxBytes = LINE_INPUT_MAX_BYTES): Promise<string> {
  const source = file === '-' ? 'standard input' : file;
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStream(process.stdin, maxBytes) : await readFileAtMost(file, maxBytes);
  } catch (error) {
    throw explainFileError(error, { path: file, action: 'read', osUser });
  }
  if (bytes.length > maxBytes) throw tooLarge(source, maxBytes);
  return decodeUtf8(bytes, source);
}

/** FILE's bytes; one over `maxBytes` is refused (INPUT_TOO_LARGE) from its size before it is read. */
export async function readFileAtMost(file: string, maxBytes: number | ((head: Buffer | undefined) => number)): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    // fstat of the file opened, so a file swapped after the check is not the one read.
    const stat = await handle.stat();
    const limit = typeof maxBytes === 'number' ? maxBytes : maxBytes(stat.isFile() ? await head(handle) : undefined);
    if (stat.size > limit) throw tooLarge(file, limit, stat.size);
    // A pipe or device reports no size: reading stops one byte past the limit either way.
    return await readHandle(handle, limit);
  } finally {
    await handle.close();
  }
}

/** The first bytes of a regular file, read at its start without moving the position the rest is read from. */
async function head(handle: FileHandle): Promise<Buffer> {
  const bytes = Buffer.alloc(4);
  const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
  return bytes.subarray(0, bytesRead);
}

async function readHandle(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= maxBytes) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/** Reads a stream up to one byte past `maxBytes`, then stops reading (the caller refuses that much). */
export async function readStream(stream: NodeJS.ReadableStream, maxBytes = LINE_INPUT_MAX_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer);
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) break; // leaving the loop stops the stream
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(source: string, maxBytes: number, size?: number) {
  const has = size === undefined ? `holds more than ${maxBytes} bytes` : `has ${size} bytes`;
  return fail(
    'INPUT_TOO_LARGE',
    `${source} ${has}, and Tessera reads at most ${maxBytes} bytes (${formatBytes(maxBytes)}) from it: split the input into smaller files`,
  );
}

const formatBytes = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/**
 * Writes FILE (or standard output for "-") so that it is either unchanged or complete: a temp
 * file beside it, fsynced and read back, then linked (never clobbers: EEXIST unless `force`)
 * or renamed over it (`force`). The old file stays intact until the new one is verified.
 */
export async function writeText(file: string, text: string, options: { force?: boolean | undefined; osUser: string }): Promise<void> {
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  await writeBytes(file, Buffer.from(text, 'utf8'), options);
}

/** writeText for bytes (a downloaded backup): mode 0600, linked or (force) renamed into place once read back. */
export async function writeBytes(file: string, bytes: Buffer, options: { force?: boolean | undefined; osUser: string }): Promise<void> {
  const temp = join(dirname(file), `.tessera-${randomBytes(8).toString('hex')}.tmp`);
  let tempExists = false;
  try {
    const handle = await open(temp, 'wx', 0o600);
    tempExists = true;
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!(await readFile(temp)).equals(bytes)) throw Object.assign(new Error(`${temp} reads back differently`), { code: 'EIO', syscall: 'read' });
    if (options.force) await rename(temp, file);
    else {
      await link(temp, file);
      await unlink(temp);
    }
    tempExists = false;
  } catch (error) {
    if (tempExists) await unlink(temp).catch(() => undefined);
    throw explainFileError(error, { path: file, action: 'write', osUser: options.osUser });
  }
}

/** One value per line; the line break that ends the last line is not an extra empty value. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** Where line-oriented secrets come from: `--from-file FILE` or `--stdin` (never argv). */
export interface LineSource {
  fromFile?: string | undefined;
  stdin?: boolean | undefined;
}

/** The file or standard input named by `source`; undefined when neither was given. */
export async function readSource(source: LineSource, osUser: string): Promise<string | undefined> {
  if (source.fromFile !== undefined && source.stdin) throw fail('INVALID_ARGUMENT', 'give --from-file FILE or --stdin, not both');
  if (source.stdin) return readText('-', osUser);
  if (source.fromFile !== undefined) return readText(source.fromFile, osUser);
  return undefined;
}
