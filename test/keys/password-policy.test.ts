import { describe, expect, it } from 'vitest';
import { checkBackupPassword } from '../../src/keys/index.js';

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
