import { fail } from '../errors/index.js';
import { readText } from './input.js';
import { ask } from './prompt.js';

export interface PasswordOptions {
  passwordFile?: string | undefined;
}

/**
 * Reads a password from --password-file (a path, or "-" for standard input) or asks at the
 * terminal without echo. Never from argv or the environment: both leak to other users.
 */
export async function readPassword(options: PasswordOptions, purpose: 'new' | 'existing', osUser: string): Promise<string> {
  if (options.passwordFile !== undefined) return readPasswordFile(options.passwordFile, osUser);
  if (!process.stdin.isTTY) {
    throw fail(
      'PASSWORD_REQUIRED',
      'no password was given and there is no terminal to ask on: use --password-file FILE (or --password-file - to read standard input)',
    );
  }
  const password = await askHidden('Backup file password: ');
  if (purpose === 'new') {
    const again = await askHidden('Type it again: ');
    if (again !== password) throw fail('PASSWORD_MISMATCH', 'the two passwords differ: nothing was written; run the command again');
  }
  return password;
}

/** A password from FILE, or from standard input for "-"; one trailing line break is dropped. */
export async function readPasswordFile(file: string, osUser: string): Promise<string> {
  // One trailing line break is how editors and `echo` end a file; it is not part of the password.
  return (await readText(file, osUser)).replace(/\r?\n$/, '');
}

const askHidden = (prompt: string) =>
  ask(prompt, { hidden: true, cancelled: () => fail('PASSWORD_REQUIRED', 'cancelled at the password prompt: nothing was changed') });
