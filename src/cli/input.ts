import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { explainFileError, fail } from '../errors/index.js';

/** Reads FILE as UTF-8, or standard input for "-"; failures are worded by the file-error explainer. */
export async function readText(file: string, osUser: string): Promise<string> {
  try {
    return file === '-' ? await readStream(process.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw explainFileError(error, { path: file, action: 'read', osUser });
  }
}

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
  const bytes = Buffer.from(text, 'utf8');
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

export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
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
