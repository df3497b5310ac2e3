/**
 * `tessera app|config|lookup --external|credentials` as real child processes on both stores:
 * XML import with enableApp, lossless export (export, import into a fresh vault, export again
 * gives the same bytes), updates by option and by file, the config store, host-initiated
 * lookups; then, once, what bad input gets: malformed XML, misplaced --as, usage errors.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Application } from '../../src/cli/vault-types.js';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { as, failure, ok, PAYROLL_HOST_XML, ssoclient, ssomanage, writeBeside } from '../support/vault-cli.js';

/** Three applications of three types, with what a round trip could lose: escapes, sync, a ticket lifetime, enableApp. */
const APPS_XML = `<sso>
  <application name="AdapterSettings">
    <description>Adapter settings &amp; &lt;endpoints&gt;</description>
    <appUserAccount>CORP\\BizTalk Hosts</appUserAccount>
    <appAdminAccount>CORP\\BizTalk Admins</appAdminAccount>
    <field ordinal="0" label="Endpoint"/>
    <field ordinal="1" label="ApiKey" masked="yes"/>
    <flags configStoreApp="yes" enableApp="yes"/>
  </application>
  <application name="HostGroup">
    <contact>mainframe@example.org</contact>
    <windowsAccount>CORP\\PayrollHost</windowsAccount>
    <appUserAccount>CORP\\Payroll Users; CORP\\Auditors</appUserAccount>
    <field ordinal="0" label="User"/>
    <field ordinal="1" label="Password" masked="yes" sync="yes"/>
    <flags hostInitiatedSSO="yes" validatePassword="yes" enableApp="yes"/>
    <appTicketTimeout>30</appTicketTimeout>
  </application>
</sso>
`;

const HOST = as('CORP\\host1', 'CORP\\BizTalk Hosts');

function commands(target: StoreTarget): void {
  let vault: TestVault;
  let root: string;

  beforeAll(async () => {
    vault = await createTestVault(target);
    root = dirname(vault.home);
    ok(await vault.tessera(['init']), 'init');
  });
  afterAll(() => vault?.cleanup());

  it('creates applications from XML, enabling those whose definition says enableApp="yes"', async ({ expect }) => {
    const apps = await writeBeside(vault, 'apps.xml', APPS_XML);
    const payroll = await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML);
    const created = ok(await vault.tessera(['app', 'create', '--file', apps]), 'app create');
    expect(created.stdout).toBe('Created application AdapterSettings (E) enabled.\nCreated application HostGroup (E) enabled.\n');
    ok(await vault.tessera(['app', 'create', '--file', payroll]), 'app create PayrollHost');
    const listed = ok(await vault.tessera(['app', 'list']), 'app list').stdout;
    // Config store applications only with --all, as ssomanage -listapps all.
    expect(listed.split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual(['(E) HostGroup', '(D) PayrollHost', '']);
    const all = JSON.parse(ok(await vault.tessera(['app', 'list', '--all', '--json']), 'app list --all').stdout) as Application[];
    expect(all.map((app) => `${app.name}:${app.type}`).sort()).toEqual(['AdapterSettings:configStore', 'HostGroup:hostGroup', 'PayrollHost:individual']);
  });

  it('exports losslessly: export, create in a fresh vault, export again gives the same bytes', async ({ expect }) => {
    const first = join(root, 'export-1.xml');
    ok(await vault.tessera(['app', 'export', '--file', first]), 'app export');
    expect(failure(await vault.tessera(['app', 'export', '--file', first]))).toEqual({
      code: 1,
      error: `error EEXIST: ${first} already exists: pass --force to replace it (the old file stays intact until the new one is verified), or choose another name`,
    });
    const fresh = await createTestVault(target);
    try {
      ok(await fresh.tessera(['init']), 'init fresh');
      ok(await fresh.tessera(['app', 'create', '--file', first]), 'app create into fresh');
      const again = ok(await fresh.tessera(['app', 'export', '--file', '-']), 'export fresh').stdout;
      const text = await readFile(first, 'utf8');
      expect(again).toBe(text);
      expect(text).toContain('<description>Adapter settings &amp; &lt;endpoints&gt;</description>');
      expect(text).toContain('<field ordinal="1" label="Password" masked="yes" sync="yes"/>');
      expect(text).toContain('<appTicketTimeout>30</appTicketTimeout>');
    } finally {
      await fresh.cleanup();
    }
  });

  it('updates an application by option and by file; fields cannot change', async ({ expect }) => {
    const updated = JSON.parse(
      ok(
        await vault.tessera([
          'app',
          'update',
          'payrollhost',
          '--description',
          'Payroll (mainframe)',
          '--users',
          'CORP\\Payroll Users;CORP\\Temps',
          '--ticket-timeout',
          '15',
          '--json',
        ]),
        'app update',
      ).stdout,
    ) as Application;
    expect(updated).toMatchObject({
      name: 'PayrollHost',
      description: 'Payroll (mainframe)',
      userAccounts: ['CORP\\Payroll Users', 'CORP\\Temps'],
      ticketTimeoutMinutes: 15,
    });
    const file = await writeBeside(
      vault,
      'payroll-update.xml',
      PAYROLL_HOST_XML.replace('ops@example.org', 'payroll@example.org').replace('enableApp="no"', 'enableApp="yes"'),
    );
    const fromFile = ok(await ssomanage(vault, ['-updateapps', file]), '-updateapps').stdout;
    expect(fromFile).toBe('Updated application PayrollHost (E) enabled.\n');
    const shown = JSON.parse(ok(await vault.tessera(['app', 'show', 'PayrollHost', '--json']), 'app show').stdout) as Application;
    // What the file states is what the application now has; what it leaves out (the ticket lifetime) stays.
    expect(shown).toMatchObject({
      contact: 'payroll@example.org',
      description: 'Mainframe payroll',
      userAccounts: ['CORP\\Payroll Users'],
      ticketTimeoutMinutes: 15,
      flags: { enableApp: true },
    });
    const fields = await writeBeside(vault, 'payroll-fields.xml', PAYROLL_HOST_XML.replace('label="Passphrase"', 'label="Password"'));
    expect(failure(await vault.tessera(['app', 'update', '--file', fields]))).toEqual({
      code: 1,
      error:
        'error APP_IMMUTABLE: application PayrollHost: the fields of PayrollHost cannot change after creation: leave <field> out of the file to keep them, or delete and recreate the application',
    });
  });

  it('writes, reads and deletes config store entries; masked values only at run time', async ({ expect }) => {
    const id = '5d0c1d9e-2f0b-4c52-9d6a-3e1f0c8e7a11';
    const partial = await vault.tessera(['config', 'set', 'AdapterSettings', id, '--stdin'], { input: 'Endpoint=https://one\n' });
    expect(failure(partial)).toEqual({ code: 1, error: `error FIELD_COUNT: the first write of ${id} needs every field of AdapterSettings; missing: ApiKey` });
    ok(await vault.tessera(['config', 'set', 'AdapterSettings', id, '--stdin'], { input: 'Endpoint=https://one\nApiKey=k=v;42\n' }), 'config set');
    expect(ok(await vault.tessera(['config', 'get', 'AdapterSettings', id]), 'config get').stdout).toBe('Endpoint=https://one\n');
    const file = await writeBeside(vault, 'endpoint.txt', 'Endpoint=https://two\n');
    ok(await vault.tessera(['config', 'set', 'AdapterSettings', id, '--from-file', file]), 'config set --from-file');
    const runtime = ok(await vault.tessera(['config', 'get', 'AdapterSettings', id, '--runtime', '--json', '--show-secrets', ...HOST]), 'config get --runtime');
    expect(JSON.parse(runtime.stdout)).toEqual({ Endpoint: 'https://two', ApiKey: 'k=v;42' });
    expect(failure(await vault.tessera(['config', 'delete', 'AdapterSettings', id, ...HOST]))).toEqual({
      code: 1,
      error:
        'error ACCESS_DENIED: CORP\\host1 may not delete config entries of AdapterSettings: that needs membership of the application administrators. Ask an SSO administrator',
    });
    ok(await vault.tessera(['config', 'delete', 'AdapterSettings', id]), 'config delete');
    expect(failure(await vault.tessera(['config', 'get', 'AdapterSettings', id]))).toEqual({
      code: 1,
      error: `error NO_CONFIG: AdapterSettings has no config entry ${id}`,
    });
  });

  it('prints masked config values only with --show-secrets, in either read mode, and its output feeds back safely', async ({ expect }) => {
    const id = '0b7f3c52-6a55-4f0e-8d43-2b7f61d0c9aa';
    ok(await vault.tessera(['config', 'set', 'AdapterSettings', id, '--stdin'], { input: 'Endpoint=https://two\nApiKey=k=v;42\n' }), 'config set');
    const runtime = ok(await vault.tessera(['config', 'get', 'AdapterSettings', id, '--runtime', '--json', ...HOST]), 'config get --runtime --json');
    expect(JSON.parse(runtime.stdout)).toEqual({ Endpoint: 'https://two' });
    const runtimeText = ok(await vault.tessera(['config', 'get', 'AdapterSettings', id, '--runtime', ...HOST]), 'config get --runtime');
    expect(runtimeText.stdout).toBe('Endpoint=https://two\n# ApiKey is masked: add --show-secrets to print it\n');
    // Fed back to config set, the masked field keeps its value.
    const again = await writeBeside(vault, 'again.txt', runtimeText.stdout);
    ok(await vault.tessera(['config', 'set', 'AdapterSettings', id, '--from-file', again]), 'config set from get output');
    const admin = ok(await vault.tessera(['config', 'get', 'AdapterSettings', id, '--runtime', '--show-secrets']), 'config get --show-secrets');
    expect(admin.stdout).toBe('Endpoint=https://two\nApiKey=k=v;42\n');
  });

  it('answers a host-initiated lookup with the enterprise account, checking the password', async ({ expect }) => {
    ok(await vault.tessera(['mapping', 'create', 'HostGroup', 'CORP\\PayrollHost', 'HOST01']), 'mapping create');
    const values = await writeBeside(vault, 'host01.txt', 'host-secret\n');
    ok(await vault.tessera(['credentials', 'set', 'HostGroup', 'HOST01', '--from-file', values]), 'credentials set --from-file');
    const found = ok(
      await vault.tessera(['lookup', 'HostGroup', '--external', 'HOST01', '--password-file', '-', '--json'], { input: 'host-secret\n' }),
      'lookup --external',
    );
    expect(JSON.parse(found.stdout)).toEqual({ application: 'HostGroup', account: 'CORP\\PayrollHost', externalUser: 'HOST01' });
    const wrong = await vault.tessera(['lookup', 'HostGroup', '--external', 'HOST01', '--password-file', '-'], { input: 'guess\n' });
    expect(failure(wrong)).toEqual({
      code: 1,
      error: 'error HOST_CREDENTIALS_INVALID: the password of external user HOST01 does not match the one stored for HostGroup',
    });
  });
}

describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('tessera app, config, credentials and lookup --external', () => commands(target));
});

describe.sequential('bad input', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(storeTargets[0]!);
    ok(await vault.tessera(['init']), 'init');
  });
  afterAll(() => vault?.cleanup());

  it('names the file and line of malformed XML, exits 1 and creates nothing', async ({ expect }) => {
    const broken = await writeBeside(vault, 'broken.xml', PAYROLL_HOST_XML.replace('</contact>', '</contakt>'));
    expect(failure(await vault.tessera(['app', 'create', '--file', broken]))).toEqual({
      code: 1,
      error: `error XML_INVALID: ${broken} line 4, column 29: the XML is not well-formed: <contact> (line 4) is closed by </contakt>, spelt differently (XML names must match exactly, case included): spell both alike`,
    });
    const unlabelled = await writeBeside(vault, 'unlabelled.xml', PAYROLL_HOST_XML.replace(' label="Passphrase"', ''));
    expect(failure(await ssomanage(vault, ['-createapps', unlabelled]))).toEqual({
      code: 1,
      error: expect.stringMatching(new RegExp(`^error XML_INVALID: ${unlabelled.replaceAll('/', '\\/')} line 8: <field> needs a label attribute`)) as string,
    });
    expect(ok(await vault.tessera(['app', 'list', '--all']), 'app list').stdout).toBe('No affiliate applications.\n');
  });

  it('keeps --as to the vault commands, and never takes secrets from argv', async ({ expect }) => {
    const refused = await vault.tessera(['secret', 'status', ...as('CORP\\bob')]);
    expect(failure(refused)).toEqual({
      code: 2,
      error: expect.stringMatching(/^error INVALID_ARGUMENT: --as and --groups apply to the vault commands/) as string,
    });
    expect(failure(await vault.tessera(['app', 'list', '--groups', 'CORP\\X']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: --groups needs --as ACCOUNT: it names the groups of that account',
    });
    expect(failure(await vault.tessera(['app', 'list', '--as', 'bob']))).toEqual({
      code: 2,
      error: expect.stringMatching(/^error INVALID_ARGUMENT: --as: "bob" is not an account name/) as string,
    });
    const argvTicket = await vault.tessera(['ticket', 'redeem', 'PayrollHost', 'T1.abc']);
    expect(failure(argvTicket)).toEqual({ code: 2, error: "error INVALID_ARGUMENT: too many arguments for 'redeem'. Expected 1 argument but got 2." });
    expect(failure(await vault.tessera(['ticket', 'redeem', 'PayrollHost']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: give the ticket with --ticket-file FILE or --stdin (one of them)',
    });
  });

  it('gives the usage for -help (exit 0), no switch or an unknown one (exit 2)', async ({ expect }) => {
    const help = ok(await ssomanage(vault, ['/HELP']), 'ssomanage /HELP');
    expect(help.stdout).toMatch(/^Usage: ssomanage <switch>/);
    const unknown = await ssomanage(vault, ['-frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error INVALID_ARGUMENT: unknown or unsupported switch -frobnicate\n\nUsage: ssomanage <switch>/);
    const none = await ssoclient(vault, []);
    expect({ code: none.code, usage: none.stderr.startsWith('Usage: ssoclient <switch>') }).toEqual({ code: 2, usage: true });
    expect(failure(await ssomanage(vault, ['-listapps', '--stdin']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: --from-file and --stdin go with -setcredentials, not -listapps',
    });
  });
});
