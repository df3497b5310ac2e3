import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, REMINDER_MAX_LENGTH, checkBackupPassword, checkReminder } from '../../src/keys/index.js';

const code = (password: string, reminder: string | null = null) => {
  try {
    checkBackupPassword(password, reminder);
    return 'ok';
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
};

describe('backup password policy', () => {
  it.each([
    ['', 'PASSWORD_POLICY: the password is empty'],
    ['short', 'PASSWORD_POLICY: the password has 5 characters and needs at least 12'],
    ['aaaaaaaaaaaaaaaa', 'PASSWORD_POLICY: the password repeats one or two characters'],
    ['ababababababab', 'PASSWORD_POLICY: the password repeats one or two characters'],
    ['Password1234', 'PASSWORD_POLICY: the password is a well-known password'],
    ['abcdefghijklmn', 'PASSWORD_POLICY: the password is a run of neighbouring keys or letters'],
    ['qwertyuiopas', 'PASSWORD_POLICY: the password is a run of neighbouring keys or letters'],
  ])('refuses %j with a reason and the fix', (password, expected) => {
    const result = code(password);
    expect(result.startsWith(expected)).toBe(true);
    expect(result).toContain('use at least 12 characters');
  });

  it('accepts a long passphrase, counting characters not bytes', () => {
    expect(code('violet tractor evening lantern')).toBe('ok');
    expect(code('ünïcødé-pässwörd')).toBe('ok');
  });

  it('caps passwords at 256 characters and reminders at 512', () => {
    expect(code('x'.repeat(100) + 'y'.repeat(100) + 'z'.repeat(57))).toMatch(/^PASSWORD_TOO_LONG: the password has 257 characters and may have at most 256/);
    expect(code('violet tractor evening lantern', 'r'.repeat(513))).toMatch(/^REMINDER_TOO_LONG: the reminder has 513 characters/);
  });

  it('refuses a reminder that gives the password away', () => {
    expect(code('violet tractor evening lantern', 'it is VIOLET TRACTOR EVENING LANTERN')).toMatch(/^REMINDER_REVEALS_PASSWORD: /);
  });
});

describe('backup password policy, rule by rule', () => {
  const WELL_KNOWN = [
    'password1234',
    'password12345',
    'password123456',
    'passwordpassword',
    '123456789012',
    '1234567890123',
    'qwertyuiop12',
    'qwertyuiop123',
    'iloveyou1234',
    'administrator',
    'administrator1',
    'changemenow1',
    'letmein12345',
    'welcome12345',
    'correcthorsebatterystaple',
    'trustno1trustno1',
    'masterpassword',
    'mastersecret',
    'mastersecret1',
    'enterprisesso',
    'biztalkserver',
    'p@ssw0rd1234',
    'passw0rd1234',
  ];

  it.each(WELL_KNOWN)('refuses the well-known password %j, in any case', (password) => {
    expect(code(password)).toMatch(/^PASSWORD_POLICY: the password (is a well-known password|is a run of neighbouring keys or letters):/);
    expect(code(password.toUpperCase())).toBe(code(password));
  });

  it('names the well-known list as the reason when nothing else applies', () => {
    expect(code('Welcome12345')).toMatch(/^PASSWORD_POLICY: the password is a well-known password: /);
    expect(code('Welcome123456')).toBe('ok');
  });

  it.each([
    'abcdefghijklmnopqrstuvwxyz',
    'zyxwvutsrqponmlk',
    '234567890123',
    '321098765432',
    '0123456789012345',
    'asdfghjklzxc',
    'mnbvcxzlkjhgf',
    '1qaz2wsx3edc4rfv',
    'vfr4cde3xsw2',
  ])('refuses the run %j, forwards or backwards', (password) => {
    expect(code(password)).toMatch(/^PASSWORD_POLICY: the password is a run of neighbouring keys or letters: /);
  });

  it('counts characters after NFC normalization, at both length limits', () => {
    expect(code('x'.repeat(11))).toMatch(
      /^PASSWORD_POLICY: the password has 11 characters and needs at least 12: use at least 12 characters that are hard to guess, for example four or five random words$/,
    );
    expect(code('violetlamp12')).toBe('ok');
    // "é" typed as e + combining accent is one character once normalized.
    expect(code('cafe\u0301cafe\u0301cafe\u0301')).toBe('ok');
    expect(code('cafe\u0301cafe\u0301caf')).toMatch(/^PASSWORD_POLICY: the password has 11 characters and needs at least 12/);
    const longest = 'violet tractor '.repeat(18).slice(0, 256);
    expect(code(longest)).toBe('ok');
    expect(code(`${longest}x`)).toBe('PASSWORD_TOO_LONG: the password has 257 characters and may have at most 256: choose a shorter one');
    expect(code('\u{1F511}'.repeat(100) + 'violet tractor')).toBe('ok'); // 114 characters, 214 UTF-16 units
    expect(code('e\u0301'.repeat(200) + 'violet tractor lamp')).toBe('ok'); // 419 code points, 219 after NFC
  });

  it('refuses one or two repeated characters, and lets three pass to the other rules', () => {
    expect(code('ZZZZZZZZZZZZ')).toMatch(/^PASSWORD_POLICY: the password repeats one or two characters:/);
    expect(code('xyxyxyxyxyxyxy')).toMatch(/^PASSWORD_POLICY: the password repeats one or two characters:/);
    expect(code('papayapapaya')).toBe('ok');
  });

  it('checks the reminder only against its own limits when no password is given, and at its limits', () => {
    expect(() => checkReminder('r'.repeat(512))).not.toThrow();
    expect(() => checkReminder('\u{1F511}'.repeat(512))).not.toThrow();
    expect(() => checkReminder('r'.repeat(513))).toThrow(
      expect.objectContaining({ code: 'REMINDER_TOO_LONG', message: 'the reminder has 513 characters and may have at most 512: shorten it' }),
    );
    expect(() => checkReminder('it is violet tractor evening lantern')).not.toThrow();
    expect(code('violet tractor evening lantern', 'r'.repeat(512))).toBe('ok');
    expect(code('violet tractor evening lantern', 'the lamp by the violet tractor')).toBe('ok');
    expect(code('violet tractor evening lantern', 'Violet Tractor Evening Lantern')).toBe(
      'REMINDER_REVEALS_PASSWORD: the reminder contains the password, and reminders are stored in clear in the backup file: write a hint that only you understand',
    );
  });

  it('refuses an over-long password before judging it, and a weak one before its reminder', () => {
    expect(code('a'.repeat(300), 'a'.repeat(300))).toMatch(/^PASSWORD_TOO_LONG: the password has 300 characters/);
    expect(code('short', 'short')).toMatch(/^PASSWORD_POLICY: /);
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, REMINDER_MAX_LENGTH]).toEqual([12, 256, 512]);
  });
});
