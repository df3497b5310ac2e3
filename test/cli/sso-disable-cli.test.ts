/**
 * ssomanage -disablesso / -enablesso, `tessera global sso disable|enable`, ssoconfig -auditlevel
 * and windowsInitiatedSSO="no", as real child processes on both stores: against the local vault,
 * and through a Tessera server (the bins with TESSERA_ADDR and a token, and plain HTTP).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { GlobalSettings } from '../../src/cli/vault-types.js';
import { type CliResult, createTestVault, runBin, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { type ErrorBody, SSO_ADMINS, startTestServer, type TestServer } from '../support/server.js';
import { BOB, DANA, failure, mappingsXml, ok, PAYROLL_HOST_XML, ssomanage, writeBeside } from '../support/vault-cli.js';
import { appInput, admin } from '../service/vault-harness.js';

const DISABLED = 'error SSO_DISABLED: the SSO system is disabled: an SSO administrator can enable it with ssomanage -enablesso (or tessera global sso enable)';
const MUST_BE_DISABLED =
  'error SSO_MUST_BE_DISABLED: the SSO Administrators account can change only while SSO is disabled: disable SSO with ssomanage -disablesso, change the account, then ssomanage -enablesso';
const WINDOWS_REFUSED =
  'error WINDOWS_SSO_NOT_ENABLED: Windows-initiated SSO is not enabled for PayrollHost: set windowsInitiatedSSO="yes" on it (ssomanage -updateapps) or use host-initiated lookups';

const globalXml = (ssoAdmins: string) => `<sso>\n  <globalInfo>\n    <ssoAdminAccount>${ssoAdmins}</ssoAdminAccount>\n  </globalInfo>\n</sso>\n`;

function local(target: StoreTarget): void {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'tessera init');
    ok(await ssomanage(vault, ['-createapps', await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML)]), '-createapps');
    ok(await ssomanage(vault, ['-enableapp', 'PayrollHost']), '-enableapp');
    ok(await ssomanage(vault, ['-createmappings', await writeBeside(vault, 'mappings.xml', mappingsXml(['CORP\\bob', 'PayrollHost', 'BOB01']))]), 'mappings');
    ok(await ssomanage(vault, ['-setcredentials', 'CORP\\bob', 'PayrollHost', '--stdin'], { input: 'bob-passphrase\n' }), '-setcredentials');
    ok(await ssomanage(vault, ['-tickets', 'yes', 'no']), '-tickets');
  });
  afterAll(() => vault?.cleanup());

  it('-disablesso refuses lookups and tickets with 10754, shows DISABLED, and -enablesso answers again', async ({ expect }) => {
    const ticket = ok(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]), 'ticket issue').stdout.trim();
    const disabled = ok(await ssomanage(vault, ['-disablesso']), '-disablesso');
    expect(disabled.stdout).toBe(
      'The SSO system is disabled: lookups, tickets and runtime config reads are refused until an SSO administrator runs ssomanage -enablesso.\n',
    );
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', ...BOB]))).toEqual({ code: 1, error: DISABLED });
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', '--account', 'CORP\\bob', ...DANA]))).toEqual({ code: 1, error: DISABLED });
    expect(failure(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]))).toEqual({ code: 1, error: DISABLED });
    const redeem = ['ticket', 'redeem', 'PayrollHost', '--stdin', '--sender', 'CORP\\bob', ...DANA];
    expect(failure(await vault.tessera(redeem, { input: ticket }))).toEqual({ code: 1, error: DISABLED });
    expect((await vault.events(10754)).length).toBe(4);
    expect((await vault.events(10583)).length).toBe(1);

    // Administration goes on; the settings say why nothing is answered.
    ok(await ssomanage(vault, ['-disableapp', 'PayrollHost']), '-disableapp while disabled');
    ok(await ssomanage(vault, ['-enableapp', 'PayrollHost']), '-enableapp while disabled');
    const shown = ok(await ssomanage(vault, ['-displaydb']), '-displaydb').stdout;
    expect(shown.split('\n')[0]).toBe(
      'SSO:                           DISABLED (lookups, tickets and runtime config reads are refused; enable with ssomanage -enablesso)',
    );
    const json = JSON.parse(ok(await vault.tessera(['global', 'show', '--json']), 'global show').stdout) as GlobalSettings;
    expect(json.ssoEnabled).toBe(false);

    const enabled = ok(await ssomanage(vault, ['/EnableSSO']), '/EnableSSO');
    expect(enabled.stdout).toBe('The SSO system is enabled: lookups, tickets and runtime config reads are answered.\n');
    expect((await vault.events(10582)).length).toBe(1);
    ok(await vault.tessera(['lookup', 'PayrollHost', ...BOB]), 'lookup once enabled');
    ok(await vault.tessera(redeem, { input: ticket }), 'redeem once enabled');
  });

  it('tessera global sso disable|enable does the same, for SSO administrators only', async ({ expect }) => {
    expect(failure(await vault.tessera(['global', 'sso', 'disable', ...DANA]))).toEqual({
      code: 1,
      error: 'error ACCESS_DENIED: CORP\\dana may not change the SSO system settings: that needs membership of SSO Administrators. Ask an SSO administrator',
    });
    const off = JSON.parse(ok(await vault.tessera(['global', 'sso', 'disable', '--json']), 'global sso disable').stdout) as GlobalSettings;
    expect(off.ssoEnabled).toBe(false);
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', ...BOB]))).toEqual({ code: 1, error: DISABLED });
    ok(await vault.tessera(['global', 'sso', 'enable']), 'global sso enable');
    ok(await vault.tessera(['lookup', 'PayrollHost', ...BOB]), 'lookup once enabled');
  });

  it('-updatedb sets the first SSO administrators while enabled, changes them only while disabled', async ({ expect }) => {
    ok(await ssomanage(vault, ['-updatedb', await writeBeside(vault, 'first.xml', globalXml('CORP\\SSO Admins'))]), 'first SSO administrators');
    const change = await writeBeside(vault, 'change.xml', globalXml('CORP\\New SSO Admins'));
    expect(failure(await ssomanage(vault, ['-updatedb', change]))).toEqual({ code: 1, error: MUST_BE_DISABLED });
    expect((await vault.events(10773)).length).toBe(1);
    expect((await vault.events(10570)).length).toBe(1);
    ok(await ssomanage(vault, ['-disablesso']), '-disablesso');
    ok(await ssomanage(vault, ['-updatedb', change]), '-updatedb while disabled');
    ok(await ssomanage(vault, ['-enablesso']), '-enablesso');
    const json = JSON.parse(ok(await ssomanage(vault, ['-displaydb', '--json']), '-displaydb --json').stdout) as GlobalSettings;
    expect(json).toMatchObject({ ssoEnabled: true, ssoAdminAccounts: ['CORP\\New SSO Admins'] });
  });

  it('ssoconfig -auditlevel stores the two levels, shown by -displaydb and tessera global show', async ({ expect }) => {
    const set = ok(await vault.ssoconfig(['-auditLevel', '2', '3']), '-auditLevel');
    expect(set.stdout).toBe('Audit level: positive 2, negative 3 (stored; Tessera does not apply audit levels yet).\n');
    expect(ok(await ssomanage(vault, ['-displaydb']), '-displaydb').stdout).toContain(
      'Audit level:                   positive 2, negative 3 (0-3; stored, not applied yet)\n',
    );
    ok(await vault.tessera(['global', 'audit', '--negative', '0']), 'global audit');
    expect(JSON.parse(ok(await vault.tessera(['global', 'show', '--json']), 'global show').stdout)).toMatchObject({ auditPositive: 2, auditNegative: 0 });
    expect(failure(await vault.ssoconfig(['-auditlevel', '4', '1']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: -auditLevel <positive> is an audit level from 0 (none) to 3 (high), not "4"',
    });
    expect(failure(await vault.ssoconfig(['-auditlevel', '1']))).toEqual({ code: 2, error: 'error INVALID_ARGUMENT: -auditlevel needs 2 values' });
    expect(failure(await vault.tessera(['global', 'audit']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: give --positive 0-3, --negative 0-3, or both',
    });
  });

  it('windowsInitiatedSSO="no" refuses the lookup and the ticket of a Windows account', async ({ expect }) => {
    const off = PAYROLL_HOST_XML.replace('enableApp="no"', 'enableApp="yes" windowsInitiatedSSO="no"');
    ok(await ssomanage(vault, ['-updateapps', await writeBeside(vault, 'payroll-off.xml', off)]), '-updateapps windowsInitiatedSSO=no');
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', ...BOB]))).toEqual({ code: 1, error: WINDOWS_REFUSED });
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', '--account', 'CORP\\bob', ...DANA]))).toEqual({ code: 1, error: WINDOWS_REFUSED });
    expect(failure(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]))).toEqual({ code: 1, error: WINDOWS_REFUSED });
    ok(
      await ssomanage(vault, [
        '-updateapps',
        await writeBeside(vault, 'payroll-on.xml', PAYROLL_HOST_XML.replace('enableApp="no"', 'enableApp="yes" windowsInitiatedSSO="yes"')),
      ]),
      'back',
    );
    ok(await vault.tessera(['lookup', 'PayrollHost', ...BOB]), 'lookup with windowsInitiatedSSO=yes');
  });
}

function throughServer(target: StoreTarget): void {
  let server: TestServer;
  let admin$: string;
  let bob$: string;

  beforeAll(async () => {
    server = await startTestServer(target);
    const vault = server.harness.vault;
    await vault.applications.create(appInput('Payroll', { flags: { ...appInput('x').flags, allowTickets: true } }), admin);
    await vault.applications.setEnabled('Payroll', true, admin);
    await vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
    await vault.global.update({ ticketsAllowed: true }, admin);
    admin$ = await server.bearer({ name: 'CORP\\root', groups: [SSO_ADMINS] });
    bob$ = await server.bearer({ name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] });
  });
  afterAll(async () => server?.close());

  const remote = (bin: 'ssomanage' | 'tessera' | 'ssoconfig', token: string, args: string[]): Promise<CliResult> =>
    runBin(`cli/${bin}.js`, args, { env: { TESSERA_HOME: `${server.harness.dir}/client-home`, TESSERA_ADDR: server.url, TESSERA_TOKEN: token } });

  it('-disablesso and -enablesso through the server; HTTP lookups and tickets answer 409 SSO_DISABLED with event 10754', async ({ expect }) => {
    ok(await remote('ssomanage', admin$, ['-disablesso']), '-disablesso through the server');
    expect(failure(await remote('tessera', bob$, ['lookup', 'Payroll']))).toEqual({ code: 1, error: DISABLED });
    const lookup = await server.call<ErrorBody>('GET', '/v1/lookup/Payroll', { token: bob$ });
    expect({ status: lookup.status, error: lookup.body.error }).toEqual({
      status: 409,
      error: {
        code: 'SSO_DISABLED',
        message: DISABLED.replace('error SSO_DISABLED: ', ''),
        event: 10754,
      },
    });
    const ticket = await server.call<ErrorBody>('POST', '/v1/tickets', { token: bob$, body: { application: 'Payroll' } });
    expect({ status: ticket.status, code: ticket.body.error.code }).toEqual({ status: 409, code: 'SSO_DISABLED' });
    const shown = ok(await remote('ssomanage', admin$, ['-displaydb']), '-displaydb through the server').stdout;
    expect(shown).toMatch(/^SSO: {27}DISABLED/);
    // An SSO administrator may change the administrators now.
    const patched = await server.call<GlobalSettings>('PATCH', '/v1/global', { token: admin$, body: { affiliateAdminAccounts: ['CORP\\Affiliates'] } });
    expect(patched.status).toBe(200);
    ok(await remote('ssomanage', admin$, ['-enablesso']), '-enablesso through the server');
    const found = await server.call<{ account: string }>('GET', '/v1/lookup/Payroll', { token: bob$ });
    expect({ status: found.status, account: found.body.account }).toEqual({ status: 200, account: 'CORP\\bob' });
  });

  it('PATCH /v1/global refuses a change of the SSO administrators while enabled (409, 10773), and a disable by a non-administrator (403)', async ({
    expect,
  }) => {
    const refused = await server.call<ErrorBody>('PATCH', '/v1/global', { token: admin$, body: { ssoAdminAccounts: ['CORP\\Other Admins'] } });
    expect({ status: refused.status, code: refused.body.error.code, event: refused.body.error.event }).toEqual({
      status: 409,
      code: 'SSO_MUST_BE_DISABLED',
      event: 10773,
    });
    const denied = await server.call<ErrorBody>('PATCH', '/v1/global', { token: bob$, body: { ssoEnabled: false } });
    expect({ status: denied.status, code: denied.body.error.code }).toEqual({ status: 403, code: 'ACCESS_DENIED' });
    const level = await server.call<ErrorBody>('PATCH', '/v1/global', { token: admin$, body: { auditPositive: 4 } });
    expect({ status: level.status, code: level.body.error.code }).toEqual({ status: 400, code: 'REQUEST_INVALID' });
  });

  it('ssoconfig -auditlevel through the server', async ({ expect }) => {
    ok(await remote('ssoconfig', admin$, ['-auditlevel', '1', '2']), '-auditlevel through the server');
    const global = await server.call<GlobalSettings>('GET', '/v1/global', { token: admin$ });
    expect(global.body).toMatchObject({ auditPositive: 1, auditNegative: 2, ssoEnabled: true });
  });
}

describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('the SSO switch, -auditlevel and windowsInitiatedSSO with the local vault', () => local(target));
  describe.sequential('the SSO switch through a server', () => throughServer(target));
});
