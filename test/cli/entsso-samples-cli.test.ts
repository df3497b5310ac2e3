/**
 * Microsoft's ENTSSO samples and scripts as an operator runs them, on both stores, with the real
 * bins as child processes: the look-alike files of test/fixtures/entsso, the switches typed with
 * an en dash as the pages type them, and the Sysprep script's ssomanage lines run unchanged.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Application, GlobalSettings } from '../../src/cli/vault-types.js';
import { type CliResult, createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { failure, ok, ssoclient, ssomanage, writeBeside } from '../support/vault-cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'entsso');
const fixture = (name: string): string => join(FIXTURES, name);
const EN_DASH = '\u2013';

/**
 * The ssomanage lines of a Windows script, run as the script would with `%1` as its argument:
 * the tool named by its full quoted path ("%CommonProgramFiles%\…\ssomanage.exe") or bare.
 */
async function ssomanageLinesOf(script: string, argument: string): Promise<string[][]> {
  const lines = (await readFile(fixture(script), 'utf8')).split(/\r?\n/);
  return lines
    .map((line) => /^\s*(?:"[^"]*\\)?ssomanage(?:\.exe)?"?\s+(.*)$/i.exec(line)?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .map((rest) =>
      rest
        .trim()
        .split(/\s+/)
        .map((word) => (word === '%1' ? argument : word)),
    );
}

const appNamed = async (vault: TestVault, name: string): Promise<Application> =>
  JSON.parse(ok(await ssomanage(vault, ['-displayapp', name, '--json']), `-displayapp ${name}`).stdout) as Application;

function samples(target: StoreTarget): void {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'tessera init');
  });
  afterAll(() => vault?.cleanup());

  it('the SDK applications file, with -createapps typed with an en dash as the page types it', async ({ expect }) => {
    const created = ok(await ssomanage(vault, [`${EN_DASH}createapps`, fixture('sdk-affiliate-application.xml')]), '–createapps');
    expect(created.stdout).toBe('Created application LedgerHost (D) disabled.\nCreated application DepotStock (D) disabled.\n');
    expect(created.stderr).toBe(`note: ${EN_DASH}createapps was typed with an en dash (U+2013), as on Microsoft's pages; read as -createapps\n`);
    expect((await appNamed(vault, 'LedgerHost')).flags).toMatchObject({ allowTickets: false, validateTickets: true, timeoutTickets: true });
  });

  it('the SDK mappings file, then credentials, then the application enabled', async ({ expect }) => {
    const created = ok(await ssomanage(vault, ['-createmappings', fixture('sdk-user-mapping.xml')]), '-createmappings');
    expect(created.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    ok(await ssomanage(vault, ['-setcredentials', 'FABRIKAM\\mgarcia', 'LedgerHost', '--stdin'], { input: 'ledger-pass\n' }), '-setcredentials');
    ok(await ssomanage(vault, ['-enableapp', 'LedgerHost']), '-enableapp');
    const looked = ok(
      await vault.tessera(['lookup', 'LedgerHost', '--as', 'FABRIKAM\\mgarcia', '--groups', 'FABRIKAM\\Ledger Clerks', '--json', '--show-secrets']),
      'lookup',
    );
    expect(JSON.parse(looked.stdout)).toMatchObject({ externalUser: 'LGR0412', fields: [{ label: 'Passphrase', value: 'ledger-pass' }] });
  });

  it('the update page file, without <field>: what it states changes, the fields and credentials stay', async ({ expect }) => {
    const updated = ok(await ssomanage(vault, [`${EN_DASH}updateapps`, fixture('update-apps-no-fields.xml')]), '–updateapps');
    // The file says enableApp="no": it is stated, so it is applied, as ENTSSO applies it.
    expect(updated.stdout).toBe('Updated application LedgerHost (D) disabled.\n');
    const app = await appNamed(vault, 'LedgerHost');
    expect(app.description).toBe('General ledger, second data centre');
    expect(app.fields.map((field) => field.label)).toEqual(['Operator', 'Passphrase']);
    ok(await ssomanage(vault, ['-enableapp', 'LedgerHost']), '-enableapp');
    const looked = ok(
      await vault.tessera(['lookup', 'LedgerHost', '--as', 'FABRIKAM\\mgarcia', '--groups', 'FABRIKAM\\Ledger Clerks', '--json', '--show-secrets']),
      'lookup',
    );
    expect(JSON.parse(looked.stdout)).toMatchObject({ fields: [{ value: 'ledger-pass' }] });
  });

  it('the SDK global info file on a vault without administrators, then the Sysprep script, which disables SSO around -updatedb', async ({ expect }) => {
    ok(await ssomanage(vault, [`${EN_DASH}updatedb`, fixture('sdk-global-info.xml')]), '–updatedb GlobalInfo.xml');
    // The Sysprep answer file changes the SSO administrators: refused while SSO is enabled ...
    expect(failure(await ssomanage(vault, ['-updatedb', fixture('sysprep-update-info.xml')]))).toEqual({
      code: 1,
      error:
        'error SSO_MUST_BE_DISABLED: the SSO Administrators account can change only while SSO is disabled: disable SSO with ssomanage -disablesso, change the account, then ssomanage -enablesso',
    });
    // ... and applied by the script, whose three ssomanage lines run as written.
    const lines = await ssomanageLinesOf('sysprep-update-sso.cmd', fixture('sysprep-update-info.xml'));
    expect(lines.map(([command]) => command)).toEqual(['-disablesso', '-updatedb', '-enablesso']);
    const results: CliResult[] = [];
    for (const args of lines) results.push(ok(await ssomanage(vault, args), args.join(' ')));
    const settings = JSON.parse(ok(await vault.tessera(['global', 'show', '--json']), 'global show').stdout) as GlobalSettings;
    expect(settings).toMatchObject({
      ssoEnabled: true,
      secretServer: 'VMCLONE42',
      ssoAdminAccounts: ['VMCLONE42\\Vault Administrators'],
      ticketTimeoutMinutes: 3,
    });
    expect((await vault.events(10583)).length).toBe(1);
    expect((await vault.events(10582)).length).toBe(1);
  });

  it('host-initiated SSO: a host group application, and an individual one that turns Windows-initiated SSO off', async ({ expect }) => {
    for (const file of ['host-group-application.xml', 'host-initiated-individual.xml']) ok(await ssomanage(vault, ['-createapps', fixture(file)]), file);
    expect((await appNamed(vault, 'TerminalPool1')).flags).toMatchObject({ enableApp: true, hostInitiatedSSO: true });
    ok(await ssomanage(vault, ['-createmappings', fixture('host-initiated-mappings.xml')]), '-createmappings');
    ok(await ssomanage(vault, ['-setcredentials', 'DomainName\\UserB', 'TerminalHost1', '--stdin'], { input: 'host-pass\n' }), '-setcredentials');
    const userB = ['--as', 'DomainName\\UserB', '--groups', 'DomainName\\TerminalUsers_HI'];
    expect(failure(await vault.tessera(['lookup', 'TerminalHost1', ...userB]))).toEqual({
      code: 1,
      error:
        'error WINDOWS_SSO_NOT_ENABLED: Windows-initiated SSO is not enabled for TerminalHost1: set windowsInitiatedSSO="yes" on it (ssomanage -updateapps) or use host-initiated lookups',
    });
    // The host side: the external user and the password it presents (validatePassword is on by default).
    const host = await vault.tessera(['lookup', 'TerminalHost1', '--external', 'Host login that belongs to UserB', '--password-file', '-', '--json'], {
      input: 'host-pass\n',
    });
    expect(JSON.parse(ok(host, 'host-initiated lookup').stdout)).toMatchObject({ account: 'DomainName\\UserB' });
  });

  it('the user mappings page: applications named with a space between words, quoted on the command line', async ({ expect }) => {
    const targets = ['Target app1', 'Target app2'].map(
      (name) =>
        `  <application name="${name}">\n    <appUserAccount>domain\\Users</appUserAccount>\n    <field ordinal="0" label="User Id"/>\n    <field ordinal="1" label="Password" masked="yes"/>\n  </application>`,
    );
    ok(await ssomanage(vault, ['-createapps', await writeBeside(vault, 'targets.xml', `<sso>\n${targets.join('\n')}\n</sso>\n`)]), '-createapps targets');
    ok(await ssomanage(vault, [`${EN_DASH}createmappings`, fixture('user-mappings.xml')]), '–createmappings');
    const listed = ok(await ssomanage(vault, ['-listmappings', 'domain\\EnterpriseUser']), '-listmappings').stdout;
    expect(listed).toContain('Target app1');
    expect(listed).toContain('Target app2');
    // As the adapter pages type it, unquoted: the message says what happened.
    expect(failure(await ssomanage(vault, ['-enableapp', 'Target', 'app1']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: unexpected argument "app1": if "Target app1" is one name, put it in quotes ("Target app1")',
    });
    ok(await ssomanage(vault, ['-enableapp', 'Target app1']), '-enableapp quoted');
    expect(ok(await ssoclient(vault, [`${EN_DASH}listapps`, '--as', 'domain\\EnterpriseUser', '--groups', 'domain\\Users']), '–listapps').stdout).toContain(
      'Target app1',
    );
  });

  it('the files that are not well-formed change nothing and name the line', async ({ expect }) => {
    const before = ok(await ssomanage(vault, ['-listapps', 'all']), '-listapps').stdout;
    const refused = await ssomanage(vault, ['-createapps', fixture('tibco-ems-affiliate-application.xml')]);
    expect(failure(refused).error).toMatch(
      /^error XML_INVALID: .*tibco-ems-affiliate-application\.xml line 7, column 9: the XML is not well-formed: "<!—" starts no comment/,
    );
    expect(ok(await ssomanage(vault, ['-listapps', 'all']), '-listapps').stdout).toBe(before);
  });
}

describe.each(storeTargets)("Microsoft's ENTSSO samples on $name", (target) => samples(target));
