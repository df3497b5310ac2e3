/** XML 1.0's Char production: what a file may hold, raw or as a character reference. */
export function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/** Control characters, U+FFFE/U+FFFF, and surrogate halves that are not part of a pair. */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's purpose
const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The offset and code point of the first character XML cannot carry, if any. */
export function findIllegalCharacter(text: string): { index: number; codePoint: number } | undefined {
  const match = ILLEGAL.exec(text);
  return match ? { index: match.index, codePoint: match[0].charCodeAt(0) } : undefined;
}

/**
 * Characters that look like a space (or nothing) and are not XML white space, which is only
 * space, tab, CR and LF: the no-break space that web pages indent code with, the typographic
 * spaces U+2000-U+200A, the zero width space, the narrow no-break and ideographic spaces, and a
 * byte order mark left in the middle of a file by joining two files.
 */
export const INVISIBLE_SPACES = '\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff';

const INVISIBLE_SPACE = new RegExp(`^[${INVISIBLE_SPACES}]$`);

/** Whether a UTF-16 code unit is one of INVISIBLE_SPACES (all lie in the BMP). */
export function isInvisibleSpace(code: number): boolean {
  return code >= 0xa0 && INVISIBLE_SPACE.test(String.fromCharCode(code));
}

/** Those of INVISIBLE_SPACES that have no width: removing them, not replacing them, may be the fix. */
export const isZeroWidth = (codePoint: number): boolean => codePoint === 0x200b || codePoint === 0xfeff;

/** `U+001B ESCAPE`, `U+00A0 NO-BREAK SPACE`, or `U+00E9` for a character without a name (code-points.ts). */
export { describeCodePoint as codePointName } from '../code-points.js';
