/**
 * What names and texts may hold (docs/names.md). The service checks every name, identifier,
 * label and description it is given, so every front end refuses the same input; the XML reader
 * applies the same rules to point at a line.
 *
 * - A text (description, contact, reminder) may not hold what moves the cursor, reorders or hides
 *   what is shown, or is not text: control characters (C0, DEL, C1), bidirectional controls, line
 *   and paragraph separators, lone surrogates, U+FFFD (bytes that were not valid UTF-8).
 * - A name (account, application, external user id, config identifier, field label, secret
 *   server) is compared, so it may hold no invisible formatting character either (zero-width
 *   spaces and joiners, soft hyphens), and must be in Unicode normalization form C, so that a
 *   look-alike spelled with other code points (U+212A KELVIN SIGN for K) is refused, not stored.
 */
import { fail } from '../errors/index.js';
import { describeCodePoint } from './code-points.js';

export type TextKind = 'name' | 'text';

const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const NOT_TEXT = '\\ufff9-\\ufffb\\ufffd\\ufffe\\uffff';
/** Letters and symbols that show as blank space (Hangul fillers, the braille blank): a name with one looks like one with a space. */
const BLANK_LOOKING = '\\u115f\\u1160\\u3164\\uffa0\\u2800';
const FORBIDDEN: Readonly<Record<TextKind, RegExp>> = {
  text: new RegExp(`[\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}${BIDI}\\u206a-\\u206f${NOT_TEXT}]`, 'u'),
  name: new RegExp(`[\\p{Cc}\\p{Cs}\\p{Cf}\\p{Zl}\\p{Zp}${NOT_TEXT}${BLANK_LOOKING}]`, 'u'),
};
const IS_BIDI = new RegExp(`[${BIDI}]`, 'u');

/** Why a refused character is refused, in a few words. */
function reason(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  if (/\p{Cc}/u.test(char)) return 'control characters can move the cursor, clear the screen or forge lines where the text is shown';
  if (/\p{Cs}/u.test(char)) return 'it is half of a surrogate pair, so the text is not valid Unicode';
  if (IS_BIDI.test(char)) return 'bidirectional controls reorder how the text around them is shown';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'line separators break the text across lines where it is shown';
  if (codePoint === 0xfffd) return 'it stands for bytes that were not valid UTF-8 where the text came from';
  if (/\p{Cf}/u.test(char)) return 'invisible formatting characters make different names look the same';
  if (new RegExp(`[${BLANK_LOOKING}]`, 'u').test(char)) return 'it shows as blank space, so different names look the same';
  return 'it is not a character';
}

/** What is wrong with `value` as a `kind`, worded to follow its name; undefined when nothing is. */
export function textProblem(value: string, kind: TextKind): string | undefined {
  const match = FORBIDDEN[kind].exec(value);
  if (match) {
    const codePoint = match[0].codePointAt(0)!;
    return `has ${describeCodePoint(codePoint)} at character ${match.index + 1}, which is not allowed: ${reason(codePoint)}; remove it`;
  }
  return kind === 'name' ? normalizationProblem(value) : undefined;
}

/** A name must be in NFC: U+212A KELVIN SIGN (NFC: K) or "e" + U+0301 (NFC: é) would be a second spelling of one name. */
function normalizationProblem(value: string): string | undefined {
  const normalized = value.normalize('NFC');
  if (normalized === value) return undefined;
  let at = 0;
  while (value[at] === normalized[at]) at++;
  // Back to the character the combining marks at the first difference belong to.
  while (at > 0 && /\p{M}/u.test(value[at]!)) at--;
  const spelled = /^[\s\S]\p{M}*/u.exec(value.slice(at))![0];
  const wanted = spelled.normalize('NFC');
  const codes = (text: string) => [...text].map((char) => describeCodePoint(char.codePointAt(0)!)).join(' + ');
  return (
    `has ${codes(spelled)} at character ${at + 1}, which is not allowed: names must be in Unicode normalization form C, ` +
    `where it is written ${wanted} (${codes(wanted)}); type ${wanted} instead`
  );
}

/** FIELD_TOO_LONG when `value` has more than `max` characters (UTF-16 units, as Windows counts). */
export function checkLength(what: string, value: string, max: number): void {
  if (value.length > max) throw fail('FIELD_TOO_LONG', `${what} has ${value.length} characters and may have at most ${max}`);
}

/**
 * A name: at most `max` characters, then TEXT_INVALID naming the character at fault. `what`
 * names the field ("the account name"); the value is quoted only once its length is known to be sane.
 */
export function checkName(what: string, value: string, max: number): void {
  checkLength(what, value, max);
  const problem = textProblem(value, 'name');
  if (problem) throw fail('TEXT_INVALID', `${what} "${value}" ${problem}`);
}

/** A text (description, contact, reminder): at most `max` characters, nothing that changes how it is shown. */
export function checkFreeText(what: string, value: string, max: number): void {
  checkLength(what, value, max);
  const problem = textProblem(value, 'text');
  if (problem) throw fail('TEXT_INVALID', `${what} ${problem}`);
}
