import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { alice, backupTo } from './harness.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const payrollUser = user('CORP\\bob', 'CORP\\Payroll Users');
const otherUser = user('CORP\\carol', 'CORP\\Payroll Users');
const payrollAdmin = user('CORP\\dana', 'CORP\\Payroll Admins');
const stranger = user('CORP\\eve', 'CORP\\Marketing');

describe.each(storeTargets)('the SSO vault on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  /** An enabled individual application with bob mapped to `bob-ext` / `s3cret`. */
  async function payroll(overrides = {}) {
    await h.vault.applications.create(appInput('Payroll', overrides), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
  }
  const eventIds = async () => (await h.store.listEvents()).map((e) => e.id);

  describe('applications', () => {
    it('are created disabled, with names unique regardless of case and spaces only between words', async () => {
      const app = await h.vault.applications.create(appInput('Payroll', { flags: { ...appInput('x').flags, enableApp: true } }), admin);
      expect(app.flags.enableApp).toBe(false);
      await expect(h.vault.applications.create(appInput('PAYROLL'), admin)).rejects.toMatchObject({ code: 'APP_EXISTS' });
      await expect(h.vault.applications.create(appInput('Pay  roll'), admin)).rejects.toMatchObject({ code: 'APP_NAME_INVALID' });
    });

    it('refuse to change name, type or fields-defining flags after creation', async () => {
      await h.vault.applications.create(appInput('Payroll'), admin);
      await expect(h.vault.applications.update('Payroll', { flags: { groupApp: true } }, admin)).rejects.toMatchObject({ code: 'APP_IMMUTABLE' });
      const updated = await h.vault.applications.update('payroll', { description: 'new text', userAccounts: ['CORP\\Others'] }, admin);
      expect(updated).toMatchObject({ name: 'Payroll', description: 'new text', userAccounts: ['CORP\\Others'] });
    });

    it('check flags against the type and fields against 0..n-1', async () => {
      await expect(h.vault.applications.create(appInput('G', { type: 'group', flags: { ...appInput('x').flags } }), admin)).rejects.toMatchObject({
        code: 'APP_INVALID_FLAGS',
      });
      await expect(
        h.vault.applications.create(
          appInput('F', {
            fields: [
              { ordinal: 0, label: 'Id', masked: false, sync: false },
              { ordinal: 2, label: 'P', masked: true, sync: false },
            ],
          }),
          admin,
        ),
      ).rejects.toMatchObject({ code: 'APP_INCOMPLETE_FIELDS' });
      await expect(h.vault.applications.create(appInput('H', { type: 'hostGroup' }), admin)).rejects.toMatchObject({ code: 'APP_INVALID' });
      await expect(h.vault.applications.create(appInput('A', { adminAccounts: ['Everyone'] }), admin)).rejects.toMatchObject({ code: 'ACCOUNT_INVALID' });
    });

    it('delete their mappings with them', async () => {
      await payroll();
      await h.vault.applications.delete('Payroll', admin);
      await h.vault.applications.create(appInput('Payroll'), admin);
      expect(await h.vault.mappings.list({ application: 'Payroll' }, admin)).toEqual([]);
    });
  });

  describe('roles', () => {
    it('hide an application from a caller who may not see it, exactly as if it did not exist', async () => {
      await payroll();
      const hidden = await h.vault.applications.get('Payroll', stranger).catch((e: Error) => e);
      const missing = await h.vault.applications.get('Nothing', stranger).catch((e: Error) => e);
      expect(hidden).toMatchObject({ code: 'NO_APP' });
      expect((hidden as Error).message.replace('Payroll', 'X')).toBe((missing as Error).message.replace('Nothing', 'X'));
      expect(await h.vault.applications.list(stranger)).toEqual([]);
      expect((await h.vault.applications.list(payrollUser)).map((a) => a.name)).toEqual(['Payroll']);
    });

    it('deny by default: nobody but the local administrator is an SSO administrator on a new vault', async () => {
      await expect(h.vault.applications.create(appInput('X'), payrollAdmin)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
      await h.vault.global.update({ affiliateAdminAccounts: ['CORP\\Affiliates'] }, admin);
      await h.vault.applications.create(appInput('X'), user('CORP\\frank', 'CORP\\Affiliates'));
      await expect(h.vault.global.update({ ticketsAllowed: true }, user('CORP\\frank', 'CORP\\Affiliates'))).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    });

    it("let application users manage only their own mapping, and administrators anyone's", async () => {
      await payroll();
      await expect(h.vault.mappings.create('Payroll', 'CORP\\carol', 'carol-ext', payrollUser)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
      await h.vault.mappings.create('Payroll', 'CORP\\carol', 'carol-ext', otherUser);
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\carol', ['pw'], otherUser);
      await expect(h.vault.lookup.getCredentials('Payroll', payrollUser, { account: 'CORP\\carol' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
      expect((await h.vault.lookup.getCredentials('Payroll', payrollAdmin, { account: 'CORP\\carol' })).externalUser).toBe('carol-ext');
      expect((await h.vault.mappings.list({ application: 'Payroll' }, payrollUser)).map((m) => m.account)).toEqual(['CORP\\bob']);
    });
  });

  describe('mappings and lookup', () => {
    it("start disabled, are enabled by setting credentials, and return the caller's own credentials", async () => {
      await h.vault.applications.create(appInput('Payroll'), admin);
      await h.vault.applications.setEnabled('Payroll', true, admin);
      const mapping = await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
      expect(mapping.enabled).toBe(false);
      await expect(h.vault.lookup.getCredentials('Payroll', payrollUser)).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
      expect(await h.vault.lookup.getCredentials('Payroll', payrollUser)).toEqual({
        application: 'Payroll',
        account: 'CORP\\bob',
        externalUser: 'bob-ext',
        fields: [{ label: 'Password', value: 's3cret' }],
      });
    });

    it('fail with the catalogued event for each state', async () => {
      await payroll();
      await expect(h.vault.lookup.getCredentials('Payroll', otherUser)).rejects.toMatchObject({ code: 'NO_MAPPING' });
      await h.vault.mappings.setEnabled('Payroll', 'CORP\\bob', false, admin);
      await expect(h.vault.lookup.getCredentials('Payroll', payrollUser)).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await h.vault.applications.setEnabled('Payroll', false, admin);
      await expect(h.vault.lookup.getCredentials('Payroll', payrollUser)).rejects.toMatchObject({ code: 'APP_DISABLED' });
      expect(await eventIds()).toEqual(expect.arrayContaining([10757, 10764, 10755, 10580, 10581]));
    });

    it('tell a plain user that an external user is taken, never by whom; administrators see who', async () => {
      await payroll();
      const before = (await h.store.listEvents()).length;
      const byUser = h.vault.mappings.create('Payroll', 'CORP\\carol', 'BOB-EXT', otherUser);
      await expect(byUser).rejects.toMatchObject({
        code: 'MAPPING_EXISTS',
        message: 'external user BOB-EXT cannot be mapped to you in Payroll: ask an application administrator of Payroll',
      });
      // Nor do the events that failure leaves name the other account.
      const failureEvents = (await h.store.listEvents()).slice(before);
      expect(failureEvents.length).toBeGreaterThan(0);
      expect(JSON.stringify(failureEvents)).not.toContain('CORP\\\\bob');
      await expect(h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-2', payrollUser)).rejects.toMatchObject({
        code: 'MAPPING_EXISTS',
        message: 'you already have a mapping for Payroll: change it (tessera mapping list Payroll) or ask an application administrator of Payroll',
      });
      await expect(h.vault.mappings.create('Payroll', 'CORP\\carol', 'BOB-EXT', payrollAdmin)).rejects.toMatchObject({
        code: 'MAPPING_EXISTS',
        message: expect.stringContaining('(from CORP\\bob)') as string,
      });
    });

    it('refuse duplicate mappings on either side, except many external users in a host group', async () => {
      await payroll();
      await expect(h.vault.mappings.create('Payroll', 'corp\\BOB', 'other', admin)).rejects.toMatchObject({ code: 'MAPPING_EXISTS' });
      await expect(h.vault.mappings.create('Payroll', 'CORP\\carol', 'BOB-EXT', admin)).rejects.toMatchObject({ code: 'MAPPING_EXISTS' });
      await h.vault.applications.create(
        appInput('Mainframe', { type: 'hostGroup', windowsAccount: 'CORP\\svc-mainframe', flags: { ...appInput('x').flags, hostInitiatedSSO: true } }),
        admin,
      );
      await h.vault.applications.setEnabled('Mainframe', true, admin);
      await h.vault.mappings.create('Mainframe', 'CORP\\svc-mainframe', 'TSO001', admin);
      await h.vault.mappings.create('Mainframe', 'CORP\\svc-mainframe', 'TSO002', admin);
      await h.vault.mappings.setCredentials('Mainframe', 'TSO002', ['pw2'], admin);
      expect(await h.vault.lookup.hostLookup('Mainframe', 'TSO002', admin)).toEqual({
        application: 'Mainframe',
        account: 'CORP\\svc-mainframe',
        externalUser: 'TSO002',
      });
    });

    it("give a group application's users the credentials of the first listed group they belong to", async () => {
      await h.vault.applications.create(appInput('Shared', { type: 'group', userAccounts: ['CORP\\Ops', 'CORP\\Payroll Users'] }), admin);
      await h.vault.applications.setEnabled('Shared', true, admin);
      for (const [group, ext] of [
        ['CORP\\Ops', 'ops-ext'],
        ['CORP\\Payroll Users', 'payroll-ext'],
      ] as const) {
        await h.vault.mappings.create('Shared', group, ext, admin);
        await h.vault.mappings.setCredentials('Shared', group, [`${ext}-pw`], admin);
      }
      expect((await h.vault.lookup.getCredentials('Shared', user('CORP\\x', 'CORP\\Payroll Users', 'CORP\\Ops'))).externalUser).toBe('ops-ext');
      expect((await h.vault.lookup.getCredentials('Shared', payrollUser)).externalUser).toBe('payroll-ext');
      await expect(h.vault.mappings.create('Shared', 'CORP\\Other', 'x', admin)).rejects.toMatchObject({ code: 'ACCOUNT_INVALID' });
      await expect(h.vault.mappings.delete('Shared', 'CORP\\Ops', user('CORP\\y', 'CORP\\Ops'))).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    });

    it('refuse oversized fields and the wrong number of values', async () => {
      await payroll();
      await expect(h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['x'.repeat(5000)], admin)).rejects.toMatchObject({ code: 'FIELD_TOO_LONG' });
      await expect(h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['a', 'b'], admin)).rejects.toMatchObject({ code: 'FIELD_COUNT' });
    });
  });

  describe('ciphertexts', () => {
    it('do not decrypt when copied to another mapping or another application', async () => {
      await payroll();
      await h.vault.mappings.create('Payroll', 'CORP\\carol', 'carol-ext', admin);
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\carol', ['carol-pw'], admin);
      const bob = (await h.store.getMapping((await h.store.getApplication('Payroll'))!.id, 'CORP\\bob'))!;
      const carol = (await h.store.getMapping((await h.store.getApplication('Payroll'))!.id, 'CORP\\carol'))!;
      // Copy bob's sealed password into carol's row, as someone with write access to the database could.
      await h.store.setCredentials(carol.id, await h.store.getCredentials(bob.id), h.clock.now.toISOString());
      await expect(h.vault.lookup.getCredentials('Payroll', otherUser)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });

      await h.vault.applications.create(appInput('Billing'), admin);
      await h.vault.applications.setEnabled('Billing', true, admin);
      await h.vault.mappings.create('Billing', 'CORP\\bob', 'bob-ext', admin);
      const billingBob = (await h.store.getMapping((await h.store.getApplication('Billing'))!.id, 'CORP\\bob'))!;
      await h.store.setCredentials(billingBob.id, await h.store.getCredentials(bob.id), h.clock.now.toISOString());
      await expect(h.vault.lookup.getCredentials('Billing', payrollUser)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
      // The original still opens.
      expect((await h.vault.lookup.getCredentials('Payroll', payrollUser)).fields[0]!.value).toBe('s3cret');
    });
  });

  describe('tickets', () => {
    beforeEach(async () => {
      await payroll({ flags: { ...appInput('x').flags, allowTickets: true } });
    });

    it('are off unless allowed system-wide', async () => {
      await expect(h.vault.tickets.issue(payrollUser, 'Payroll')).rejects.toMatchObject({ code: 'TICKETS_NOT_ALLOWED' });
    });

    it("redeem once for the owner's credentials, then never again", async () => {
      await h.vault.global.update({ ticketsAllowed: true }, admin);
      const { ticket, expiresAt } = await h.vault.tickets.issue(payrollUser, 'Payroll');
      expect(Date.parse(expiresAt) - h.clock.now.getTime()).toBe(2 * 60_000);
      await expect(h.vault.tickets.redeem('Payroll', ticket, payrollUser)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
      expect((await h.vault.tickets.redeem('Payroll', ticket, payrollAdmin)).externalUser).toBe('bob-ext');
      await expect(h.vault.tickets.redeem('Payroll', ticket, payrollAdmin)).rejects.toMatchObject({ code: 'TICKET_REDEEMED' });
    });

    it('let exactly one of two concurrent redeems win', async () => {
      await h.vault.global.update({ ticketsAllowed: true }, admin);
      const { ticket } = await h.vault.tickets.issue(payrollUser, 'Payroll');
      const results = await Promise.allSettled([h.vault.tickets.redeem('Payroll', ticket, payrollAdmin), h.vault.tickets.redeem('Payroll', ticket, admin)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason).toMatchObject({ code: 'TICKET_REDEEMED' });
    });

    it('expire, cannot be forged or altered, and validate their issuer when asked', async () => {
      await h.vault.global.update({ ticketsAllowed: true }, admin);
      await h.vault.applications.update('Payroll', { ticketTimeoutMinutes: 5 }, admin);
      const { ticket } = await h.vault.tickets.issue(payrollUser, 'Payroll');
      await expect(h.vault.tickets.redeem('Payroll', 'not a ticket', payrollAdmin)).rejects.toMatchObject({ code: 'TICKET_MALFORMED' });
      const altered = ticket.slice(0, -4) + (ticket.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      await expect(h.vault.tickets.redeem('Payroll', altered, payrollAdmin)).rejects.toMatchObject({ code: 'TICKET_INVALID' });
      await expect(h.vault.tickets.redeem('Payroll', ticket, payrollAdmin, { sender: 'CORP\\mallory' })).rejects.toMatchObject({
        code: 'TICKET_ISSUER_MISMATCH',
      });
      expect((await h.store.listEvents({ id: 10594 }))[0]!.params).toEqual({
        'Application Name': 'Payroll',
        'Ticket Issued By': 'CORP\\bob',
        'Sender Name': 'CORP\\mallory',
      });
      h.clock.now = new Date(h.clock.now.getTime() + 5 * 60_000 + 1);
      await expect(h.vault.tickets.redeem('Payroll', ticket, payrollAdmin, { sender: 'CORP\\bob' })).rejects.toMatchObject({ code: 'TICKET_EXPIRED' });
    });

    it('keep their lifetime in range', async () => {
      await expect(h.vault.applications.update('Payroll', { ticketTimeoutMinutes: 525_601 }, admin)).rejects.toMatchObject({ code: 'TICKET_TIMEOUT_INVALID' });
      await expect(h.vault.applications.update('Payroll', { ticketTimeoutMinutes: 10 }, payrollAdmin)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    });
  });

  describe('config store', () => {
    const settings = () =>
      appInput('BizTalkSettings', {
        type: 'configStore',
        userAccounts: ['CORP\\BizTalk Hosts'],
        fields: [
          { ordinal: 0, label: 'Endpoint', masked: false, sync: false },
          { ordinal: 1, label: 'ApiKey', masked: true, sync: false },
        ],
      });

    it('needs every field first, then takes partial writes; admin reads omit masked fields', async () => {
      await h.vault.applications.create(settings(), admin);
      const id = '{5C2A0F43-5D1B-4B7E-9C1E-111111111111}';
      await expect(h.vault.config.set('BizTalkSettings', id, { Endpoint: 'https://a' }, admin)).rejects.toMatchObject({ code: 'FIELD_COUNT' });
      await h.vault.config.set('BizTalkSettings', id, { Endpoint: 'https://a', ApiKey: 'k1' }, admin);
      await h.vault.config.set('BizTalkSettings', id, { apikey: 'k2' }, admin);
      expect(await h.vault.config.get('BizTalkSettings', id, 'admin', admin)).toEqual({ Endpoint: 'https://a' });
      expect(await h.vault.config.get('BizTalkSettings', id.toLowerCase(), 'runtime', user('CORP\\host', 'CORP\\BizTalk Hosts'))).toEqual({
        Endpoint: 'https://a',
        ApiKey: 'k2',
      });
      await expect(h.vault.config.get('BizTalkSettings', id, 'admin', user('CORP\\host', 'CORP\\BizTalk Hosts'))).rejects.toMatchObject({
        code: 'ACCESS_DENIED',
      });
      await h.vault.config.delete('BizTalkSettings', id, admin);
      await expect(h.vault.config.get('BizTalkSettings', id, 'runtime', admin)).rejects.toMatchObject({ code: 'NO_CONFIG' });
      expect((await h.vault.applications.list(admin)).map((a) => a.name)).toEqual([]);
      expect((await h.vault.applications.list(admin, { all: true })).map((a) => a.name)).toEqual(['BizTalkSettings']);
    });
  });

  describe('master secret rotation', () => {
    it('re-wraps data keys only: every credential still opens, and the previous secret is kept', async () => {
      await payroll();
      const before = await h.store.listDataKeys();
      const generated = await h.service.generate(backupTo(join(h.dir, 'rotated.bak')), alice);
      const after = await h.store.listDataKeys();
      expect(after.map((k) => k.msid)).toEqual(before.map(() => generated.currentMsid));
      expect(after[0]!.wrapped.equals(before[0]!.wrapped)).toBe(false);
      expect((await h.vault.lookup.getCredentials('Payroll', payrollUser)).fields[0]!.value).toBe('s3cret');
      expect((await h.service.status()).previousMsid).toBe(generated.previousMsid);
    });
  });
});
