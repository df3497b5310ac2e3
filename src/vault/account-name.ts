/**
 * How Tessera compares names (accounts, application names, external user ids, config
 * identifiers, field labels): as Windows compares account names, case-insensitively through an
 * invariant upper-casing of each UTF-16 unit (RtlUpcaseUnicodeString; the NTFS $UpCase table).
 * See docs/names.md.
 *
 * Windows maps a character to upper case only where the two form a pair: 'k' and 'K', 'ä' and
 * 'Ä'. It leaves alone the characters whose upper case belongs to another letter: U+212A
 * KELVIN SIGN, U+017F LATIN SMALL LETTER LONG S (whose upper case is 'S'), U+0131 dotless ı,
 * U+00B5 MICRO SIGN, and the like. That is what keeps a look-alike from reaching another
 * account's credentials: `toLowerCase()` made `CORP\` + KELVIN SIGN + `ate` equal to `CORP\kate`.
 */

/** The one exception to the pairs rule: Windows upper-cases final sigma too, as Greek spelling needs. */
const FINAL_SIGMA = 'ς';
const CAPITAL_SIGMA = 'Σ';

const ASCII = /^\p{ASCII}*$/u;

/** The upper case of one UTF-16 unit, where it forms a one-to-one pair with it; else the unit itself. */
function upcaseUnit(unit: string): string {
  if (unit === FINAL_SIGMA) return CAPITAL_SIGMA;
  const upper = unit.toUpperCase();
  // Supplementary characters (surrogate halves here) are left alone, as Windows' 16-bit table does.
  return upper.length === 1 && upper !== unit && upper.toLowerCase() === unit ? upper : unit;
}

const cache = new Map<string, string>();

function upcaseCached(unit: string): string {
  let upper = cache.get(unit);
  if (upper === undefined) {
    upper = upcaseUnit(unit);
    if (cache.size < 4096) cache.set(unit, upper);
  }
  return upper;
}

/**
 * The key two names are compared by: equal keys, same name. Total (never throws): names that
 * the input rules refuse (not NFC, control characters) still get a key, one no accepted name has.
 */
export function nameKey(name: string): string {
  if (ASCII.test(name)) return name.toUpperCase();
  let key = '';
  for (const unit of name) {
    // for..of walks code points: a surrogate pair stays whole and is not mapped.
    key += unit.length === 1 ? upcaseCached(unit) : unit;
  }
  return key;
}

/** Whether two names stand for the same account (or application, or identifier). */
export function sameName(a: string, b: string): boolean {
  return a === b || nameKey(a) === nameKey(b);
}
