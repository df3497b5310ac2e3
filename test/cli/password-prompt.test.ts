import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { distFile, repoRoot } from '../support/dist.js';

const run = promisify(execFile);
const PASSWORD = 'violet tractor evening lantern';

/** Runs tessera on a real pseudo-terminal, typing `answers` at its prompts. */
async function onTerminal(vault: TestVault, args: string[], answers: Array<[string, string]>) {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([n]) => !n.startsWith('TESSERA_'))), ...vault.env };
  const { stdout } = await run(
    'python3',
    [`${repoRoot}test/support/pty-run.py`, JSON.stringify(answers), '--', process.execPath, distFile('cli/tessera.js'), ...args],
    { env },
  );
  return JSON.parse(stdout) as { exit: number; screen: string };
}

describe('password prompt on a terminal', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(storeTargets[0]!);
    expect((await vault.tessera(['init'])).code).toBe(0);
  });
  afterAll(() => vault.cleanup());

  it('asks twice without echo for a new backup, and the file restores with that password', async () => {
    const file = join(vault.home, '..', 'typed.bak');
    const result = await onTerminal(
      vault,
      ['secret', 'backup', file, '--reminder', 'farm things'],
      [
        ['password: ', `${PASSWORD}\r`],
        ['again: ', `${PASSWORD}\r`],
      ],
    );
    expect(result.screen).toContain('Backup file password: ');
    expect(result.screen).toContain('Type it again: ');
    expect(result.screen).not.toContain(PASSWORD);
    expect(result.exit).toBe(0);
    const verify = await onTerminal(vault, ['secret', 'verify', file], [['password: ', `${PASSWORD}\r`]]);
    expect(verify.exit).toBe(0);
    // The reminder is shown before the password is asked for.
    expect(verify.screen.indexOf('Password reminder: farm things')).toBeLessThan(verify.screen.indexOf('Backup file password: '));
  });

  it('writes nothing when the two passwords differ', async () => {
    const file = join(vault.home, '..', 'mismatch.bak');
    const result = await onTerminal(
      vault,
      ['secret', 'backup', file],
      [
        ['password: ', `${PASSWORD}\r`],
        ['again: ', `${PASSWORD}x\r`],
      ],
    );
    expect(result.exit).toBe(1);
    expect(result.screen).toContain('error PASSWORD_MISMATCH: Failed to back up the master secret');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to guess when there is neither a terminal nor --password-file', async () => {
    const result = await vault.tessera(['secret', 'backup', join(vault.home, '..', 'none.bak')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error PASSWORD_REQUIRED');
    expect(result.stderr).toContain('use --password-file FILE');
  });

  it('reads the password from standard input with --password-file -', async () => {
    const result = await vault.tessera(['secret', 'backup', join(vault.home, '..', 'stdin.bak'), '--password-file', '-'], { input: `${PASSWORD}\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
