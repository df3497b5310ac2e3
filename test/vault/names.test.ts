/** The name key (as Windows compares account names) and the text rules, on their own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAccount, nameKey, sameAccount, textProblem } from '../../src/vault/index.js';

describe('nameKey', () => {
  it('upper-cases case pairs and leaves alone letters whose upper case is another letter', () => {
    expect(nameKey('corp\\Kate')).toBe('CORP\\KATE');
    expect(nameKey('Ärger-ä')).toBe('ÄRGER-Ä');
    for (const [lookAlike, letter] of [
      ['\u212a', 'k'],
      ['ſ', 's'],
      ['ı', 'i'],
      ['µ', 'μ'],
      ['ϐ', 'β'],
      ['ǅ', 'ǆ'],
    ]) {
      expect(lookAlike!.toLowerCase() === letter || lookAlike!.toUpperCase() === letter!.toUpperCase(), lookAlike).toBe(true);
      expect(nameKey(lookAlike!), lookAlike).not.toBe(nameKey(letter!));
    }
    // Windows upper-cases final sigma too; ß has no one-letter upper case and stays.
    expect(nameKey('ς')).toBe(nameKey('σ'));
    expect(nameKey('straße')).toBe('STRAßE');
    // Supplementary characters are not mapped, as Windows' 16-bit table does not map them.
    expect(nameKey('𐐨')).toBe('𐐨');
    expect(sameAccount('CORP\\kate', 'corp\\KATE')).toBe(true);
    expect(sameAccount('CORP\\kate', 'CORP\\\u212aate')).toBe(false);
  });

  it('gives no key character more than one other spelling: a look-alike never collides', () => {
    const spellings = new Map<string, string[]>();
    for (let unit = 0; unit < 0x10000; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      const char = String.fromCharCode(unit);
      const key = nameKey(char);
      spellings.set(key, [...(spellings.get(key) ?? []), char]);
    }
    const crowded = [...spellings].filter(([key, chars]) => chars.length > (key === 'Σ' ? 3 : 2));
    expect(crowded).toEqual([]);
    // And each pair is a true case pair: the other spelling lower-cases to the one.
    for (const [key, chars] of spellings) {
      for (const char of chars) if (char !== key && char !== 'ς') expect(key.toLowerCase(), char).toBe(char);
    }
  });

  it('keeps equal keys for names that differ only in case', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcxyzäöüéñçøæœ\\@.-_ ') }), (name) => {
        expect(nameKey(name.toUpperCase())).toBe(nameKey(name));
      }),
    );
  });
});

describe('text rules', () => {
  it('refuse in a name what a text may hold: formatting characters and other spellings (NFC)', () => {
    expect(textProblem('a\u200db', 'text')).toBeUndefined();
    expect(textProblem('a\u200db', 'name')).toContain('U+200D ZERO WIDTH JOINER at character 2');
    expect(textProblem('Jose\u0301', 'text')).toBeUndefined();
    expect(textProblem('Jose\u0301', 'name')).toBe(
      'has U+0065 + U+0301 at character 4, which is not allowed: names must be in Unicode normalization form C, where it is written é (U+00E9); type é instead',
    );
    expect(textProblem('tab\there', 'text')).toContain('U+0009 CHARACTER TABULATION at character 4');
    expect(textProblem('del\u007f', 'text')).toContain('U+007F DELETE');
    expect(textProblem('line\u2028', 'text')).toContain(
      'U+2028 LINE SEPARATOR at character 5, which is not allowed: line separators break the text across lines',
    );
    expect(textProblem('José 😀 中文 Ελληνικά', 'name')).toBeUndefined();
  });

  it('check an account name before its syntax', () => {
    expect(() => checkAccount('CORP\\\u212aate')).toThrow(/^the account name "CORP\\\u212aate" has U\+212A KELVIN SIGN at character 6/);
    expect(() => checkAccount('nt authority\\system')).toThrow('nt authority\\system is a built-in account');
    expect(() => checkAccount('EVERYONE')).toThrow('EVERYONE is a built-in account');
    expect(() => checkAccount('CORP\\ok')).not.toThrow();
  });
});
