/**
 * `tessera credentials set` at a real terminal (a pseudo-terminal driven by test/support/pty-run.py):
 * each field is asked by its label, visible ones echo, masked ones echo nothing and are asked twice.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownCredentials } from '../../src/cli/render.js';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { distFile, repoRoot } from '../support/dist.js';
import { ok, writeBeside } from '../support/vault-cli.js';

const run = promisify(execFile);

const APP_XML = `<sso>
  <application name="Ledger">
    <appUserAccount>CORP\\Finance</appUserAccount>
    <field ordinal="0" label="User Id"/>
    <field ordinal="1" label="Region"/>
    <field ordinal="2" label="Password" masked="yes"/>
    <flags enableApp="yes"/>
  </application>
</sso>
`;

async function onTerminal(vault: TestVault, args: string[], answers: Array<[string, string]>) {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_'))), ...vault.env };
  const { stdout } = await run(
    'python3',
    [`${repoRoot}test/support/pty-run.py`, JSON.stringify(answers), '--', process.execPath, distFile('cli/tessera.js'), ...args],
    { env },
  );
  return JSON.parse(stdout) as { exit: number; screen: string };
}

describe('credentials set at a terminal', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(storeTargets[0]!);
    ok(await vault.tessera(['init']), 'init');
    ok(await vault.tessera(['app', 'create', '--file', await writeBeside(vault, 'ledger.xml', APP_XML)]), 'app create');
    ok(await vault.tessera(['mapping', 'create', 'Ledger', 'CORP\\ann', 'ANN7']), 'mapping create');
  });
  afterAll(() => vault?.cleanup());

  it('asks each field by its label, echoes visible ones only, and asks masked ones twice', async () => {
    const result = await onTerminal(
      vault,
      ['credentials', 'set', 'Ledger', 'CORP\\ann'],
      [
        ['Region: ', 'EMEA\r'],
        ['Password: ', 'quiet-lantern-42\r'],
        ['Confirm Password: ', 'quiet-lantern-42\r'],
      ],
    );
    expect(result.screen).toContain('Credentials for Ledger (2 fields):');
    expect(result.screen).toContain('Region: EMEA');
    expect(result.screen).not.toContain('quiet-lantern-42');
    expect(result.exit).toBe(0);
    const looked = JSON.parse(
      ok(await vault.tessera(['lookup', 'Ledger', '--account', 'CORP\\ann', '--show-secrets', '--json']), 'lookup').stdout,
    ) as ShownCredentials;
    expect(looked.fields).toEqual([
      { label: 'Region', masked: false, value: 'EMEA' },
      { label: 'Password', masked: true, value: 'quiet-lantern-42' },
    ]);
  });

  it('changes nothing when the two entries of a masked field differ', async () => {
    const result = await onTerminal(
      vault,
      ['credentials', 'set', 'Ledger', 'CORP\\ann'],
      [
        ['Region: ', 'APAC\r'],
        ['Password: ', 'one\r'],
        ['Confirm Password: ', 'two\r'],
      ],
    );
    expect(result.exit).toBe(1);
    expect(result.screen).toContain('error PASSWORD_MISMATCH: the two entries of Password differ: no credentials were changed');
    const looked = JSON.parse(ok(await vault.tessera(['lookup', 'Ledger', '--account', 'CORP\\ann', '--json']), 'lookup').stdout) as ShownCredentials;
    expect(looked.fields[0]).toEqual({ label: 'Region', masked: false, value: 'EMEA' });
  });
});
