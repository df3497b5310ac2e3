/**
 * ENTSSO's SSO switch through the vault service, on both stores: while an SSO administrator has
 * SSO disabled, lookups (own, --account, host-initiated, from the credential cache), tickets and
 * runtime config reads fail with SSO_DISABLED (10754); administration goes on. The SSO
 * administrators and affiliate administrators accounts change only while SSO is disabled
 * (SSO_MUST_BE_DISABLED, 10773 with 10570/10572), except a list that is still empty. Enabling
 * and disabling leave 10582/10583. The audit levels (ssoconfig -auditlevel) are stored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SSO_DISABLED_MESSAGE } from '../../src/service/global-info.js';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness, openOtherNode, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const dana = user('CORP\\dana', 'CORP\\Payroll Admins');
const ssoAdmin = user('CORP\\root', 'CORP\\SSO Admins');
const CONFIG_ID = '{5C2A0F43-5D1B-4B7E-9C1E-111111111111}';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
  );
const DISABLED = `SSO_DISABLED: ${SSO_DISABLED_MESSAGE}`;
const MUST_BE_DISABLED = (accounts: string) =>
  `SSO_MUST_BE_DISABLED: the ${accounts} account can change only while SSO is disabled: disable SSO with ssomanage -disablesso, change the account, then ssomanage -enablesso`;

describe.each(storeTargets)('the SSO switch on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
    const flags = { ...appInput('x').flags, allowTickets: true };
    await h.vault.applications.create(appInput('Payroll', { flags }), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
    await h.vault.applications.create(
      appInput('Mainframe', { type: 'hostGroup', windowsAccount: 'CORP\\svc-mainframe', flags: { ...appInput('x').flags, hostInitiatedSSO: true } }),
      admin,
    );
    await h.vault.applications.setEnabled('Mainframe', true, admin);
    await h.vault.mappings.create('Mainframe', 'CORP\\svc-mainframe', 'TSO001', admin);
    await h.vault.mappings.setCredentials('Mainframe', 'TSO001', ['pw1'], admin);
    await h.vault.applications.create(
      appInput('BizTalkSettings', {
        type: 'configStore',
        userAccounts: ['CORP\\Payroll Users'],
        fields: [
          { ordinal: 0, label: 'Endpoint', masked: false, sync: false },
          { ordinal: 1, label: 'ApiKey', masked: true, sync: false },
        ],
      }),
      admin,
    );
    await h.vault.config.set('BizTalkSettings', CONFIG_ID, { Endpoint: 'https://a', ApiKey: 'k1' }, admin);
    await h.vault.global.update({ ticketsAllowed: true, ssoAdminAccounts: ['CORP\\SSO Admins'] }, admin);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  const bobsCredentials = { application: 'Payroll', account: 'CORP\\bob', externalUser: 'bob-ext', fields: [{ label: 'Password', value: 's3cret' }] };

  it('is enabled on a new vault, with the default audit levels', async () => {
    expect(await h.vault.global.get(admin)).toMatchObject({ ssoEnabled: true, auditPositive: 0, auditNegative: 1 });
  });

  it('refuses every lookup, ticket and runtime config read while disabled, each with 10754, and answers again once enabled', async () => {
    const ticket = (await h.vault.tickets.issue(bob, 'Payroll')).ticket;
    expect(await h.vault.lookup.getCredentials('Payroll', bob)).toEqual(bobsCredentials);

    await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
    expect(await failure(h.vault.lookup.getCredentials('Payroll', bob))).toBe(DISABLED);
    expect(await failure(h.vault.lookup.getCredentials('Payroll', dana, { account: 'CORP\\bob' }))).toBe(DISABLED);
    expect(await failure(h.vault.lookup.hostLookup('Mainframe', 'TSO001', admin))).toBe(DISABLED);
    expect(await failure(h.vault.tickets.issue(bob, 'Payroll'))).toBe(DISABLED);
    expect(await failure(h.vault.tickets.issue(bob))).toBe(DISABLED);
    expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe(DISABLED);
    expect(await failure(h.vault.config.get('BizTalkSettings', CONFIG_ID, 'runtime', bob))).toBe(DISABLED);
    expect(await failure(h.vault.config.get('BizTalkSettings', CONFIG_ID, 'runtime', admin))).toBe(DISABLED);
    const refusals = await h.store.listEvents({ id: 10754 });
    expect(refusals).toHaveLength(8);
    expect(refusals[0]!.message).toBe(`GetCredentials on Payroll by CORP\\bob failed: ${SSO_DISABLED_MESSAGE}`);

    await h.vault.global.update({ ssoEnabled: true }, ssoAdmin);
    expect(await h.vault.lookup.getCredentials('Payroll', bob)).toEqual(bobsCredentials);
    expect(await h.vault.lookup.hostLookup('Mainframe', 'TSO001', admin)).toMatchObject({ account: 'CORP\\svc-mainframe' });
    expect(await h.vault.config.get('BizTalkSettings', CONFIG_ID, 'runtime', bob)).toEqual({ Endpoint: 'https://a', ApiKey: 'k1' });
    // The ticket issued before the switch went off is still good: disabling does not burn tickets.
    expect(await h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' })).toEqual(bobsCredentials);
  });

  it('leaves administration working while disabled', async () => {
    await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
    await h.vault.applications.create(appInput('Travel'), admin);
    await h.vault.applications.setEnabled('Travel', true, dana);
    await h.vault.mappings.create('Payroll', 'CORP\\carol', 'carol-ext', dana);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\carol', ['c'], dana);
    expect((await h.vault.mappings.list({ application: 'Payroll' }, dana)).map((mapping) => mapping.account)).toEqual(['CORP\\bob', 'CORP\\carol']);
    await h.vault.config.set('BizTalkSettings', CONFIG_ID, { ApiKey: 'k2' }, admin);
    expect(await h.vault.config.get('BizTalkSettings', CONFIG_ID, 'admin', admin)).toEqual({ Endpoint: 'https://a' });
    await h.vault.lookup.purgeCache('Payroll', dana);
    expect(await h.vault.global.get(ssoAdmin)).toMatchObject({ ssoEnabled: false });
  });

  it('does not serve cached credentials once disabled: not in this process, nor in another after its recheck window', async () => {
    const other = await openOtherNode(h, { credentialCache: { recheckMs: 0 } });
    try {
      expect(await h.vault.lookup.getCredentials('Payroll', bob)).toEqual(bobsCredentials);
      expect(await other.vault.lookup.getCredentials('Payroll', bob)).toEqual(bobsCredentials);
      await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
      expect(await failure(h.vault.lookup.getCredentials('Payroll', bob))).toBe(DISABLED);
      expect(await failure(other.vault.lookup.getCredentials('Payroll', bob))).toBe(DISABLED);
      await h.vault.global.update({ ssoEnabled: true }, ssoAdmin);
      expect(await other.vault.lookup.getCredentials('Payroll', bob)).toEqual(bobsCredentials);
    } finally {
      await other.close();
    }
  });

  it('is changed by SSO administrators only, and records 10583 and 10582', async () => {
    expect(await failure(h.vault.global.update({ ssoEnabled: false }, dana))).toBe(
      'ACCESS_DENIED: CORP\\dana may not change the SSO system settings: that needs membership of SSO Administrators. Ask an SSO administrator',
    );
    await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
    await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
    await h.vault.global.update({ ssoEnabled: true }, ssoAdmin);
    const disabled = await h.store.listEvents({ id: 10583 });
    const enabled = await h.store.listEvents({ id: 10582 });
    // A disable of a disabled system changes nothing, and records nothing.
    expect(disabled).toHaveLength(1);
    expect(enabled).toHaveLength(1);
    expect(disabled[0]!.params).toMatchObject({ 'Client User': 'CORP\\root', 'Client Computer': 'HOST' });
  });

  it('changes the administrators accounts only while disabled; a list still empty may be set while enabled', async () => {
    // The affiliate administrators list is empty: the first one is set while enabled (as tessera serve's first start does).
    await h.vault.global.update({ affiliateAdminAccounts: ['CORP\\Affiliates'] }, ssoAdmin);
    expect(await failure(h.vault.global.update({ ssoAdminAccounts: ['CORP\\New SSO Admins'] }, ssoAdmin))).toBe(MUST_BE_DISABLED('SSO Administrators'));
    expect(await failure(h.vault.global.update({ affiliateAdminAccounts: ['CORP\\Others'] }, ssoAdmin))).toBe(MUST_BE_DISABLED('SSO Affiliate Administrators'));
    expect(await failure(h.vault.global.update({ ssoAdminAccounts: ['CORP\\New SSO Admins'], affiliateAdminAccounts: ['CORP\\Others'] }, ssoAdmin))).toBe(
      MUST_BE_DISABLED('SSO Administrators and SSO Affiliate Administrators'),
    );
    expect(await h.store.listEvents({ id: 10570 })).toHaveLength(2);
    expect(await h.store.listEvents({ id: 10572 })).toHaveLength(2);
    expect(await h.store.listEvents({ id: 10773 })).toHaveLength(3);
    // The same accounts again are no change; other settings change while enabled.
    await h.vault.global.update({ ssoAdminAccounts: ['CORP\\SSO Admins'], ticketTimeoutMinutes: 5 }, ssoAdmin);
    expect(await h.vault.global.get(admin)).toMatchObject({ ssoAdminAccounts: ['CORP\\SSO Admins'], affiliateAdminAccounts: ['CORP\\Affiliates'] });

    await h.vault.global.update({ ssoEnabled: false }, ssoAdmin);
    await h.vault.global.update({ ssoAdminAccounts: ['CORP\\New SSO Admins'], affiliateAdminAccounts: ['CORP\\Others'] }, ssoAdmin);
    await h.vault.global.update({ ssoEnabled: true }, admin);
    expect(await h.vault.global.get(admin)).toMatchObject({
      ssoEnabled: true,
      ssoAdminAccounts: ['CORP\\New SSO Admins'],
      affiliateAdminAccounts: ['CORP\\Others'],
    });
  });

  it('stores the audit levels, 0 to 3, for SSO administrators', async () => {
    expect(await h.vault.global.update({ auditPositive: 3, auditNegative: 0 }, ssoAdmin)).toMatchObject({ auditPositive: 3, auditNegative: 0 });
    expect(await h.vault.global.get(admin)).toMatchObject({ auditPositive: 3, auditNegative: 0 });
    expect(await failure(h.vault.global.update({ auditPositive: 4 }, ssoAdmin))).toBe(
      'INVALID_ARGUMENT: the positive audit level is an audit level from 0 to 3, not 4',
    );
    expect(await failure(h.vault.global.update({ auditNegative: -1 }, ssoAdmin))).toBe(
      'INVALID_ARGUMENT: the negative audit level is an audit level from 0 to 3, not -1',
    );
    expect(await failure(h.vault.global.update({ auditNegative: 2 }, dana))).toMatch(/^ACCESS_DENIED: /);
  });
});
