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

/** U+001B ESCAPE style (code-points.ts). */
export { describeCodePoint as codePointName } from '../code-points.js';
