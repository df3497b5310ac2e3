import { isUtf8 } from 'node:buffer';
import { fail } from '../errors/index.js';

/**
 * Strict UTF-8, or TEXT_INVALID naming the first byte that is not, with its offset and line.
 * `skipped` is the length of a byte order mark already taken off, so offsets count from the
 * start of the file.
 */
export function decodeUtf8(bytes: Buffer, source: string, skipped = 0): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const offset = firstInvalidUtf8(bytes);
  const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
  throw fail(
    'TEXT_INVALID',
    `${source} is not valid UTF-8: the byte 0x${byte} at offset ${offset + skipped} (line ${lineAt(bytes, offset)}) does not start a UTF-8 character: ` +
      'save the file as UTF-8',
  );
}

/** Lines up to `offset`, where each '\n' is one byte 0x0A (UTF-8 and single-byte encodings). */
export function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let at = 0; at < offset; at++) if (bytes[at] === 0x0a) line++;
  return line;
}

/** Walks character by character; only run once isUtf8 said no. */
function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || at + length > bytes.length || !isUtf8(bytes.subarray(at, at + length))) return at;
    at += length;
  }
  return at;
}
