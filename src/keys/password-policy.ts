import { fail } from '../errors/index.js';

/**
 * The policy for backup file passwords. Length matters most (NIST SP 800-63B): at least 12
 * characters, at most 256 (ENTSSO's limit), not one repeated character or a keyboard or
 * alphabet run, not a well-known password, and not given away by the clear-text reminder.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const REMINDER_MAX_LENGTH = 512;

const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
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
]);

// The digit row wraps around ("…78901234…"): any run of 12 digits, the shortest password, wraps.
const RUNS = ['abcdefghijklmnopqrstuvwxyz', '0123456789'.repeat(4), 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb'];

export function checkBackupPassword(password: string, reminder: string | null): void {
  const length = [...password.normalize('NFC')].length;
  if (length > PASSWORD_MAX_LENGTH) {
    throw fail('PASSWORD_TOO_LONG', `the password has ${length} characters and may have at most ${PASSWORD_MAX_LENGTH}: choose a shorter one`);
  }
  const problem = weakness(password, length);
  if (problem) {
    throw fail(
      'PASSWORD_POLICY',
      `the password ${problem}: use at least ${PASSWORD_MIN_LENGTH} characters that are hard to guess, ` + 'for example four or five random words',
    );
  }
  if (reminder !== null) checkReminder(reminder, password);
}

export function checkReminder(reminder: string, password?: string): void {
  const length = [...reminder].length;
  if (length > REMINDER_MAX_LENGTH) {
    throw fail('REMINDER_TOO_LONG', `the reminder has ${length} characters and may have at most ${REMINDER_MAX_LENGTH}: shorten it`);
  }
  if (password !== undefined && reminder.toLowerCase().includes(password.toLowerCase())) {
    throw fail(
      'REMINDER_REVEALS_PASSWORD',
      'the reminder contains the password, and reminders are stored in clear in the backup file: write a hint that only you understand',
    );
  }
}

function weakness(password: string, length: number): string | undefined {
  if (length === 0) return 'is empty';
  if (length < PASSWORD_MIN_LENGTH) return `has ${length} characters and needs at least ${PASSWORD_MIN_LENGTH}`;
  const folded = password.toLowerCase();
  if (new Set(folded).size <= 2) return 'repeats one or two characters';
  if (COMMON.has(folded)) return 'is a well-known password';
  if (RUNS.some((run) => run.includes(folded) || [...run].reverse().join('').includes(folded))) {
    return 'is a run of neighbouring keys or letters';
  }
  return undefined;
}
