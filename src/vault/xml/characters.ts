import { describeCodePoint } from '../code-points.js';

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

/** Whether a UTF-16 code unit is one of INVISIBLE_SPACES (all lie in the BMP). */
export function isInvisibleSpace(code: number): boolean {
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200b) || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** Those of INVISIBLE_SPACES that have no width: removing them, not replacing them, may be the fix. */
export const isZeroWidth = (codePoint: number): boolean => codePoint === 0x200b || codePoint === 0xfeff;

/** Names code-points.ts does not hold, for the characters this reader names (Unicode's names). */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0xa0, 'NO-BREAK SPACE'],
  [0x1680, 'OGHAM SPACE MARK'],
  [0x2000, 'EN QUAD'],
  [0x2001, 'EM QUAD'],
  [0x2002, 'EN SPACE'],
  [0x2003, 'EM SPACE'],
  [0x2004, 'THREE-PER-EM SPACE'],
  [0x2005, 'FOUR-PER-EM SPACE'],
  [0x2006, 'SIX-PER-EM SPACE'],
  [0x2007, 'FIGURE SPACE'],
  [0x2008, 'PUNCTUATION SPACE'],
  [0x2009, 'THIN SPACE'],
  [0x200a, 'HAIR SPACE'],
  [0x2013, 'EN DASH'],
  [0x2014, 'EM DASH'],
  [0x202f, 'NARROW NO-BREAK SPACE'],
  [0x205f, 'MEDIUM MATHEMATICAL SPACE'],
  [0x3000, 'IDEOGRAPHIC SPACE'],
]);

/** `U+001B ESCAPE`, `U+00A0 NO-BREAK SPACE`, or `U+00E9` for a character without a name here (code-points.ts). */
export function codePointName(codePoint: number): string {
  const name = NAMES.get(codePoint);
  const described = describeCodePoint(codePoint);
  return name === undefined ? described : `${described.split(' ')[0]!} ${name}`;
}
