import { readFile } from 'node:fs/promises';
import { explainFileError, fail } from '../errors/index.js';

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

async function readPasswordFile(file: string, osUser: string): Promise<string> {
  let text: string;
  try {
    text = file === '-' ? await readStream(process.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw explainFileError(error, { path: file, action: 'read', osUser });
  }
  // One trailing line break is how editors and `echo` end a file; it is not part of the password.
  return text.replace(/\r?\n$/, '');
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A raw-mode prompt on the terminal: nothing typed is echoed, Ctrl-C aborts. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(fail('PASSWORD_REQUIRED', 'cancelled at the password prompt: nothing was changed'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
