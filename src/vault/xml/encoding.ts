/**
 * From a file's bytes to its text, by XML 1.0's autodetection (Appendix F): a byte order mark
 * first, then the XML declaration's encoding="…", else UTF-8. What Windows tools write is read:
 * UTF-8 with or without a BOM, UTF-16 LE and BE with a BOM (Notepad's "Unicode", Windows
 * PowerShell 5.1's Out-File and `>`), and single-byte code pages declared by name.
 *
 * Text is never guessed: bytes that the encoding in force cannot read are refused with their
 * offset and line, so no U+FFFD (or other mis-decoded character) is ever stored. Decisions:
 *
 * - A BOM wins over the declaration (PowerShell writes UTF-16 with encoding="utf-8"): the
 *   declaration could only be read at all because the BOM's encoding was used, as XML parsers do.
 * - UTF-16 without a BOM is read when the first four bytes can only be UTF-16: two ASCII
 *   characters each paired with a zero byte (`<\0?\0`, `<\0s\0`, or the BE mirror). A UTF-8 file
 *   cannot start so, since XML forbids U+0000.
 * - UTF-32 (with or without a BOM) and EBCDIC are refused by name: no Windows tool writes them
 *   for ENTSSO, and Node cannot decode them.
 * - A declared encoding is named as the WHATWG Encoding standard names it (Node's TextDecoder):
 *   iso-8859-1, latin1 and us-ascii are read as windows-1252, as Windows tools mean them (0x80
 *   is €, not a control character), decoded here from its table (see decodeWindows1252).
 *   Other encodings TextDecoder supports (iso-8859-15, windows-1250, koi8-r, shift_jis, …) are
 *   decoded by it, refusing bytes they cannot hold. us-ascii is then held to ASCII: a byte above
 *   0x7F is refused rather than read as a windows-1252 letter the file did not declare.
 * - A declared single-byte or other non-UTF encoding whose bytes are valid UTF-8 and not all
 *   ASCII is refused: the file was saved as UTF-8 under a stale declaration, and honouring the
 *   declaration would store "SociÃ©tÃ©" for "Société".
 * - encoding="UTF-16" without a BOM in a file whose bytes are one per character (the declaration
 *   was readable as ASCII, so the file is not UTF-16): read as UTF-8, strictly, since that is the
 *   only reading in which the declaration itself makes sense.
 *
 * The text returned has no BOM; the XML declaration stays (the parser ignores it). Lines are
 * counted at '\n', so CRLF and UTF-16 files report the same lines as the UTF-8 text.
 */
import { isUtf8 } from 'node:buffer';
import { decodeUtf8, lineAt } from '../../files/index.js';
import { TextDecoder } from 'node:util';
import type { TesseraError } from '../../errors/index.js';
import { xmlError } from './location.js';

const SAVE_AS = 'save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)';

/** The file's text, or XML_INVALID (TEXT_INVALID for bytes that are not UTF-8) naming what cannot be read. */
export function decodeXmlBytes(bytes: Buffer, source: string): string {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
    throw refused(source, 'starts with a UTF-32 byte order mark, and Tessera cannot read UTF-32');
  }
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return decodeUtf8(bytes.subarray(3), source, 3);
  if (b0 === 0xff && b1 === 0xfe) return decodeUtf16(bytes.subarray(2), 'le', source);
  if (b0 === 0xfe && b1 === 0xff) return decodeUtf16(bytes.subarray(2), 'be', source);
  if (bytes.length >= 4) {
    if ((b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c)) {
      throw refused(source, 'is UTF-32 (four bytes per character), and Tessera cannot read UTF-32');
    }
    if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94) throw refused(source, 'is EBCDIC ("<?xm" in EBCDIC bytes), and Tessera cannot read EBCDIC');
    if (isAscii(b0) && b1 === 0 && isAscii(b2) && b3 === 0) return decodeUtf16(bytes, 'le', source);
    if (b0 === 0 && isAscii(b1) && b2 === 0 && isAscii(b3)) return decodeUtf16(bytes, 'be', source);
  }
  const declared = declaredEncoding(bytes);
  if (declared === undefined) return decodeUtf8(bytes, source, 0);
  return decodeDeclared(bytes, declared, source);
}

const isAscii = (byte: number | undefined): boolean => byte !== undefined && byte !== 0 && byte < 0x80;

/** The encoding="…" of an XML declaration at the start (after white space, which the well-formedness check reports). */
function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 1024).toString('latin1');
  const declaration = /^[ \t\r\n]*<\?xml[ \t\r\n][^>]*?\?>/.exec(head)?.[0];
  if (declaration === undefined) return undefined;
  return /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\1/.exec(declaration)?.[2];
}

function decodeDeclared(bytes: Buffer, declared: string, source: string): string {
  const label = declared.trim().toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    throw refused(source, `declares encoding "${declared}", which Tessera cannot read`);
  }
  const encoding = decoder.encoding;
  // What Windows tools save an ENTSSO file in; not the stateful ones (ISO-2022-JP's escapes turn ASCII-looking bytes into other text).
  if (!/^(utf-8|utf-16(le|be)|windows-125\d|iso-8859-\d+|windows-874|koi8-[ru])$/.test(encoding)) {
    throw refused(source, `declares encoding "${declared}", which Tessera cannot read`);
  }
  if (encoding === 'utf-8') return decodeUtf8(bytes, source, 0);
  // Declared UTF-16, yet the declaration was read one byte per character: see the file comment.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return decodeUtf8(bytes, source, 0);
  if (!isUtf8(bytes) || bytes.every((byte) => byte < 0x80)) {
    if (ASCII_LABELS.has(label)) {
      const offset = bytes.findIndex((byte) => byte >= 0x80);
      if (offset !== -1) {
        throw badByte(
          source,
          bytes,
          offset,
          `is not ASCII, though the file declares encoding "${declared}"`,
          `declare the encoding the file was saved in (e.g. encoding="windows-1252"), or ${SAVE_AS}`,
        );
      }
    }
    if (encoding === 'windows-1252') return decodeWindows1252(bytes);
    try {
      return decoder.decode(bytes);
    } catch {
      // No WHATWG single-byte decoder refuses a byte; the multi-byte ones (Shift_JIS, GB18030, Big5, EUC) can.
      throw refused(source, `declares encoding "${declared}", and its bytes are not valid ${encoding}`);
    }
  }
  const offset = bytes.findIndex((byte) => byte >= 0x80);
  throw xmlError(
    source,
    { line: lineAt(bytes, offset) },
    `the file declares encoding "${declared}", but its bytes are UTF-8 (the first non-ASCII character is at offset ${offset}): ` +
      `it was saved as UTF-8 and its declaration was not updated; write encoding="utf-8" in the <?xml …?> declaration`,
  );
}

/**
 * windows-1252 by its table: Node 20's TextDecoder decodes it as ISO-8859-1 (0x80 as the control
 * U+0080, not €), which would refuse or mis-store exactly the characters 1252 adds. Bytes 0x80 to
 * 0x9F; the five 1252 leaves undefined stay C1 controls, as WHATWG maps them (values refuse them).
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  return /[\u0080-\u009f]/.test(latin1)
    ? latin1.replace(/[\u0080-\u009f]/g, (char) => String.fromCharCode(WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]!))
    : latin1;
}

/** Names WHATWG maps to windows-1252 that promise ASCII only. */
const ASCII_LABELS: ReadonlySet<string> = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968']);

/**
 * UTF-16 without its BOM. Node's utf16le decoding keeps a lone surrogate as it is (no U+FFFD),
 * so the raw-text check names it with its line, as it does for a &#xD800; in UTF-8.
 */
function decodeUtf16(bytes: Buffer, order: 'le' | 'be', source: string): string {
  if (bytes.length % 2 !== 0) {
    const text = decodeUtf16(bytes.subarray(0, bytes.length - 1), order, source);
    const line = text.split('\n').length;
    throw xmlError(
      source,
      { line },
      `the file is UTF-16 (two bytes per character) but has an odd number of bytes, so it was cut short: ` + 'copy or save the whole file again',
    );
  }
  const little = order === 'le' ? bytes : Buffer.from(bytes).swap16();
  return little.toString('utf16le');
}

function badByte(source: string, bytes: Buffer, offset: number, problem: string, fix: string): TesseraError {
  const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
  return xmlError(source, { line: lineAt(bytes, offset) }, `the byte 0x${byte} at offset ${offset} ${problem}: ${fix}`);
}

function refused(source: string, problem: string): TesseraError {
  return xmlError(source, { line: 1 }, `the file ${problem}: ${SAVE_AS}`);
}
