/**
 * The ENTSSO administrator's day with `ssomanage` and `ssoclient`, as real child processes on
 * both stores: import the reference sample PayrollHost, enable it, create mappings from XML, set
 * credentials, look them up as the users they belong to, tickets end to end, and what the
 * roles keep from a stranger or an end user.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ShownCredentials } from '../../src/cli/render.js';
import type { GlobalSettings } from '../../src/cli/vault-types.js';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { BOB, CAROL, DANA, EVE, failure, mappingsXml, ok, PAYROLL_HOST_XML, ssoclient, ssomanage, writeBeside } from '../support/vault-cli.js';

const NO_APP = (name: string) => `error NO_APP: there is no affiliate application named ${name} (or you may not see it): check the name with tessera app list`;

function flow(target: StoreTarget): void {
  let vault: TestVault;
  let appsFile: string;
  let mappingsFile: string;

  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'tessera init');
    appsFile = await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML);
    mappingsFile = await writeBeside(vault, 'mappings.xml', mappingsXml(['CORP\\bob', 'PayrollHost', 'BOB01'], ['CORP\\carol', 'PayrollHost', 'CAROL01']));
  });
  afterAll(() => vault?.cleanup());

  it('imports the reference sample disabled, as its enableApp="no" says, and enables it with a switch in any case', async ({ expect }) => {
    const created = ok(await ssomanage(vault, ['-createapps', appsFile]), '-createapps');
    expect(created.stdout).toBe('Created application PayrollHost (D) disabled.\n');
    expect(ok(await ssomanage(vault, ['/ENABLEAPP', 'payrollhost']), '/ENABLEAPP').stdout).toBe('Application PayrollHost is (E) enabled.\n');
    const listed = ok(await ssomanage(vault, ['-ListApps']), '-listapps').stdout;
    expect(listed).toMatch(/^\(E\)\s+PayrollHost\s+individual\s+Mainframe payroll\n$/);
    const shown = ok(await ssomanage(vault, ['-displayapp', 'PayrollHost']), '-displayapp').stdout;
    expect(shown).toContain('Application admins:  CORP\\Payroll Admins');
    expect(shown).toContain('1  Passphrase  (masked)');
  });

  it('creates mappings from XML, disabled until credentials are set, and lists them with (E)/(D)', async ({ expect }) => {
    ok(await ssomanage(vault, ['-createmappings', mappingsFile]), '-createmappings');
    const set = ok(await ssomanage(vault, ['-setcredentials', 'CORP\\bob', 'PayrollHost', '--stdin'], { input: 'bob-passphrase\n' }), '-setcredentials');
    expect(set.stdout).toBe('Set the credentials of CORP\\bob for PayrollHost; the mapping is enabled.\n');
    const byAccount = ok(await ssomanage(vault, ['-listmappings', 'CORP\\bob']), '-listmappings account').stdout;
    expect(byAccount).toMatch(/^\(E\)\s+CORP\\bob\s+PayrollHost\s+BOB01\n$/);
    const byApp = ok(await ssomanage(vault, ['-listmappings', 'PayrollHost']), '-listmappings app').stdout.split('\n');
    expect(byApp).toEqual([
      expect.stringMatching(/^\(E\)\s+CORP\\bob\s+PayrollHost\s+BOB01$/),
      expect.stringMatching(/^\(D\)\s+CORP\\carol\s+PayrollHost\s+CAROL01\s+\(no credentials\)$/),
      '',
    ]);
    const both = ok(await ssomanage(vault, ['-listmappings', 'CORP\\carol', 'PayrollHost', '--json']), '-listmappings both');
    expect(JSON.parse(both.stdout)).toEqual([
      expect.objectContaining({ account: 'CORP\\carol', application: 'PayrollHost', enabled: false, hasCredentials: false }),
    ]);
  });

  it('looks up the credentials as the user they belong to; masked values only with --show-secrets', async ({ expect }) => {
    const masked = ok(await vault.tessera(['lookup', 'PayrollHost', ...BOB]), 'lookup as bob').stdout;
    expect(masked).toBe('Application:   PayrollHost\nAccount:       CORP\\bob\nExternal user: BOB01\nPassphrase:    ********\n');
    const hidden = JSON.parse(ok(await vault.tessera(['lookup', 'PayrollHost', '--json', ...BOB]), 'lookup --json').stdout) as ShownCredentials;
    expect(hidden.fields).toEqual([{ label: 'Passphrase', masked: true }]);
    const shown = JSON.parse(
      ok(await vault.tessera(['lookup', 'PayrollHost', '--show-secrets', '--json', ...BOB]), 'lookup --show-secrets').stdout,
    ) as ShownCredentials;
    expect(shown).toEqual({
      application: 'PayrollHost',
      account: 'CORP\\bob',
      externalUser: 'BOB01',
      fields: [{ label: 'Passphrase', masked: true, value: 'bob-passphrase' }],
    });
  });

  it('answers a stranger NO_APP, word for word as for an application that does not exist', async ({ expect }) => {
    const hidden = await ssomanage(vault, ['-displayapp', 'PayrollHost', ...EVE]);
    expect(failure(hidden)).toEqual({ code: 1, error: NO_APP('PayrollHost') });
    expect(failure(await ssomanage(vault, ['-displayapp', 'Nothing', ...EVE]))).toEqual({ code: 1, error: NO_APP('Nothing') });
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', ...EVE]))).toEqual({ code: 1, error: NO_APP('PayrollHost') });
    expect(ok(await ssomanage(vault, ['-listapps', ...EVE]), '-listapps as eve').stdout).toBe('No affiliate applications.\n');
  });

  it('lets an end user set only its own credentials with ssoclient', async ({ expect }) => {
    const set = ok(
      await ssoclient(vault, ['-setcredentials', 'PayrollHost', '--stdin', ...CAROL], { input: 'carol-passphrase\n' }),
      'ssoclient -setcredentials',
    );
    expect(set.stdout).toBe('Set the credentials of CORP\\carol for PayrollHost; the mapping is enabled.\n');
    const mine = ok(await ssoclient(vault, ['-listmappings', ...CAROL]), 'ssoclient -listmappings').stdout;
    expect(mine).toMatch(/^\(E\)\s+CORP\\carol\s+PayrollHost\s+CAROL01\n$/);
    const looked = JSON.parse(
      ok(await vault.tessera(['lookup', 'PayrollHost', '--show-secrets', '--json', ...CAROL]), 'lookup as carol').stdout,
    ) as ShownCredentials;
    expect(looked.fields[0]!.value).toBe('carol-passphrase');
    // The service, not the tool, draws the line: bob may not touch carol's mapping, eve sees nothing.
    const other = await vault.tessera(['credentials', 'set', 'PayrollHost', 'CORP\\carol', '--stdin', ...BOB], { input: 'x\n' });
    expect(failure(other)).toEqual({
      code: 1,
      error: expect.stringMatching(/^error ACCESS_DENIED: CORP\\bob may set credentials only for its own account/) as string,
    });
    expect(failure(await ssoclient(vault, ['-setcredentials', 'PayrollHost', '--stdin', ...EVE], { input: 'x\n' }))).toEqual({
      code: 1,
      error: NO_APP('PayrollHost'),
    });
    expect(failure(await ssoclient(vault, ['-disablemapping', 'PayrollHost', ...EVE]))).toEqual({ code: 1, error: NO_APP('PayrollHost') });
    ok(await ssoclient(vault, ['-disablemapping', 'PayrollHost', ...CAROL]), 'ssoclient -disablemapping');
    expect(failure(await vault.tessera(['lookup', 'PayrollHost', ...CAROL]))).toEqual({
      code: 1,
      error: expect.stringMatching(/^error MAPPING_DISABLED: /) as string,
    });
    ok(await ssoclient(vault, ['-enablemapping', 'PayrollHost', ...CAROL]), 'ssoclient -enablemapping');
  });

  it('issues a ticket to bob and redeems it once for the application administrator', async ({ expect }) => {
    expect(failure(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]))).toEqual({
      code: 1,
      error: expect.stringMatching(/^error TICKETS_NOT_ALLOWED: /) as string,
    });
    ok(await ssomanage(vault, ['-tickets', 'yes', 'no']), '-tickets yes no');
    const issued = ok(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]), 'ticket issue');
    const ticket = issued.stdout.trim();
    expect(ticket).toMatch(/^T1\.[A-Za-z0-9_-]+$/);
    expect(issued.stderr).toMatch(/^Ticket for CORP\\bob, single use, expires /);
    // PayrollHost says validateTickets="yes": the ticket is redeemed only together with its sender.
    const unvalidated = await vault.tessera(['ticket', 'redeem', 'PayrollHost', '--stdin', ...DANA], { input: ticket });
    expect(failure(unvalidated)).toEqual({
      code: 1,
      error: expect.stringMatching(/^error TICKET_ISSUER_MISMATCH: PayrollHost requires tickets to be validated/) as string,
    });
    const redeem = ['ticket', 'redeem', 'PayrollHost', '--stdin', '--sender', 'CORP\\bob', '--show-secrets', '--json', ...DANA];
    const redeemed = JSON.parse(ok(await vault.tessera(redeem, { input: `${ticket}\n` }), 'ticket redeem').stdout) as ShownCredentials;
    expect(redeemed).toEqual({
      application: 'PayrollHost',
      account: 'CORP\\bob',
      externalUser: 'BOB01',
      fields: [{ label: 'Passphrase', masked: true, value: 'bob-passphrase' }],
    });
    expect(failure(await vault.tessera(redeem, { input: ticket }))).toEqual({ code: 1, error: expect.stringMatching(/^error TICKET_REDEEMED: /) as string });
    // An application user is not an application administrator: it may not redeem.
    const again = ok(await vault.tessera(['ticket', 'issue', '--app', 'PayrollHost', ...BOB]), 'ticket issue').stdout.trim();
    const byUser = await vault.tessera(['ticket', 'redeem', 'PayrollHost', '--stdin', '--sender', 'CORP\\bob', ...CAROL], { input: again });
    expect(failure(byUser)).toEqual({
      code: 1,
      error: expect.stringMatching(/^error ACCESS_DENIED: CORP\\carol may not redeem tickets of PayrollHost/) as string,
    });
  });

  it('shows and updates the SSO system settings; only SSO administrators may', async ({ expect }) => {
    const before = JSON.parse(ok(await ssomanage(vault, ['-displaydb', '--json']), '-displaydb').stdout) as GlobalSettings;
    expect(before).toMatchObject({ ticketsAllowed: true, ticketsValidate: false, affiliateAdminAccounts: [] });
    const file = await writeBeside(
      vault,
      'global.xml',
      '<sso>\n  <globalInfo>\n    <ssoAffiliateAdminAccount>CORP\\Affiliates</ssoAffiliateAdminAccount>\n  </globalInfo>\n</sso>\n',
    );
    ok(await ssomanage(vault, ['-updatedb', file]), '-updatedb');
    expect(ok(await ssomanage(vault, ['-displaydb']), '-displaydb').stdout).toContain('SSO affiliate administrators:  CORP\\Affiliates\n');
    expect(failure(await ssomanage(vault, ['-tickets', 'off', 'off', ...DANA]))).toEqual({
      code: 1,
      error: expect.stringMatching(/^error ACCESS_DENIED: CORP\\dana may not change the SSO system settings/) as string,
    });
    expect(failure(await ssomanage(vault, ['-tickets', 'maybe', 'no']))).toEqual({
      code: 2,
      error: 'error INVALID_ARGUMENT: -tickets <allow> takes yes or no (on/off too), not "maybe"',
    });
  });

  it('deletes mappings by switch and by file, and an application with what remains of it', async ({ expect }) => {
    expect(ok(await ssomanage(vault, ['-deletemapping', 'CORP\\carol', 'PayrollHost']), '-deletemapping').stdout).toBe(
      'Deleted the mapping of CORP\\carol for PayrollHost with its credentials.\n',
    );
    expect(failure(await ssomanage(vault, ['-disablemapping', 'CORP\\carol', 'PayrollHost']))).toEqual({
      code: 1,
      error: expect.stringMatching(/^error NO_MAPPING: /) as string,
    });
    const bobOnly = await writeBeside(vault, 'bob.xml', mappingsXml(['CORP\\bob', 'PayrollHost', 'BOB01']));
    ok(await ssomanage(vault, ['-deletemappings', bobOnly]), '-deletemappings');
    expect(ok(await ssomanage(vault, ['-listmappings']), '-listmappings').stdout).toBe('No mappings.\n');
    expect(ok(await ssomanage(vault, ['-purgecache', 'PayrollHost']), '-purgecache').stdout).toBe(
      'Purged the credential cache for PayrollHost: every Tessera process reads credentials from the vault again (a server within its recheck window, 1 second by default).\n',
    );
    expect(failure(await ssomanage(vault, ['-purgecache', 'NoSuchApp']))).toEqual({ code: 1, error: NO_APP('NoSuchApp') });
    ok(await ssomanage(vault, ['-deleteapp', 'PayrollHost']), '-deleteapp');
    expect(failure(await ssomanage(vault, ['-displayapp', 'PayrollHost']))).toEqual({ code: 1, error: NO_APP('PayrollHost') });
  });
}

describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('ssomanage and ssoclient: the PayrollHost flow', () => flow(target));
});
