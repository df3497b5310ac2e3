/**
 * ENTSSO tickets through the vault service (service/tickets.ts), rule by rule, on both stores:
 * the system-wide and per-application switches on issue and on redeem, the lifetime and the
 * expiry instant, validation when the system or the application demands it, a successful
 * validate-and-redeem, a ticket's binding to its vault, and the events each failure leaves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TicketClaims, readTicket } from '../../src/vault/index.js';
import { openKeyFile, unsealKeyring } from '../../src/keys/index.js';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const dana = user('CORP\\dana', 'CORP\\Payroll Admins');
const eve = user('CORP\\eve', 'CORP\\Marketing');
const MINUTE = 60_000;

describe.each(storeTargets)('tickets on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
    await h.vault.applications.create(appInput('Payroll', { flags: { ...appInput('x').flags, allowTickets: true } }), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
    await h.vault.global.update({ ticketsAllowed: true, ticketTimeoutMinutes: 7 }, admin);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  /** What the ticket says, read with the vault's own keyring. */
  async function claimsOf(ticket: string): Promise<TicketClaims> {
    const vault = (await h.store.getVault())!;
    const seal = openKeyFile(h.sealKeyFile);
    try {
      return readTicket(unsealKeyring(seal, vault.sealedKeyring, vault.vaultId), ticket);
    } finally {
      seal.dispose();
    }
  }
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
    );
  const messagesOf = async (id: number) => (await h.store.listEvents({ id })).map((event) => event.message);
  const bobsCredentials = { application: 'Payroll', account: 'CORP\\bob', externalUser: 'bob-ext', fields: [{ label: 'Password', value: 's3cret' }] };

  describe('issue', () => {
    it("stands for the caller, from now for the application's lifetime, or the system's when it has none", async () => {
      const start = h.clock.now.getTime();
      const issued = await h.vault.tickets.issue(bob, 'Payroll');
      expect(issued.expiresAt).toBe(new Date(start + 7 * MINUTE).toISOString());
      expect(await claimsOf(issued.ticket)).toEqual({
        id: expect.any(String) as string,
        account: 'CORP\\bob',
        issuer: 'CORP\\bob',
        issuedAt: new Date(start).toISOString(),
        expiresAt: issued.expiresAt,
      });
      await h.vault.applications.update('Payroll', { ticketTimeoutMinutes: 3 }, admin);
      expect((await h.vault.tickets.issue(bob, 'Payroll')).expiresAt).toBe(new Date(start + 3 * MINUTE).toISOString());
      expect((await h.vault.tickets.issue(bob)).expiresAt).toBe(new Date(start + 7 * MINUTE).toISOString());
    });

    it('changes nothing, so neither issuing nor redeeming leaves an audit event (10535)', async () => {
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      await h.vault.tickets.redeem('Payroll', ticket, dana);
      const { ticket: another } = await h.vault.tickets.issue(bob);
      await h.vault.tickets.redeem('Payroll', another, dana, { sender: 'CORP\\bob' });
      const audited = (await h.store.listEvents({ id: 10535 })).map((event) => event.params['Function']);
      expect(audited.filter((name) => /Ticket/.test(name ?? ''))).toEqual([]);
    });

    it('is refused when tickets are off system-wide, with or without an application', async () => {
      await h.vault.global.update({ ticketsAllowed: false }, admin);
      const off = 'TICKETS_NOT_ALLOWED: tickets are not allowed in this SSO system: an SSO administrator can allow them (ssomanage -tickets yes no)';
      expect(await failure(h.vault.tickets.issue(bob, 'Payroll'))).toBe(off);
      expect(await failure(h.vault.tickets.issue(bob))).toBe(off);
      expect(await messagesOf(10539)).toEqual([
        `IssueTicket on Payroll by CORP\\bob failed: ${off.slice('TICKETS_NOT_ALLOWED: '.length)}`,
        `IssueTicket on the SSO system by CORP\\bob failed: ${off.slice('TICKETS_NOT_ALLOWED: '.length)}`,
      ]);
    });

    it('is refused for an application that does not allow tickets, and for one the caller may not see', async () => {
      await h.vault.applications.update('Payroll', { flags: { allowTickets: false } }, admin);
      expect(await failure(h.vault.tickets.issue(bob, 'Payroll'))).toBe('TICKETS_NOT_ALLOWED: tickets are not allowed for Payroll: set allowTickets=yes on it');
      expect(await failure(h.vault.tickets.issue(eve, 'Payroll'))).toMatch(/^NO_APP: there is no affiliate application named Payroll/);
      expect(await failure(h.vault.tickets.issue(bob, 'Nothing'))).toMatch(/^NO_APP: there is no affiliate application named Nothing/);
    });
  });

  describe('redeem', () => {
    it('is refused when tickets were switched off system-wide after the ticket was issued', async () => {
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      await h.vault.global.update({ ticketsAllowed: false }, admin);
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe('TICKETS_NOT_ALLOWED: tickets are not allowed in this SSO system');
      expect(await messagesOf(10539)).toEqual(['RedeemTicket on Payroll by CORP\\dana failed: tickets are not allowed in this SSO system']);
      await h.vault.global.update({ ticketsAllowed: true }, admin);
      expect(await h.vault.tickets.redeem('Payroll', ticket, dana)).toEqual(bobsCredentials);
    });

    it('is refused when the application stopped allowing tickets after the ticket was issued', async () => {
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      await h.vault.applications.update('Payroll', { flags: { allowTickets: false } }, admin);
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' }))).toBe(
        'TICKETS_NOT_ALLOWED: tickets are not allowed for Payroll',
      );
      expect(await messagesOf(10539)).toEqual(['ValidateAndRedeemTicket on Payroll by CORP\\dana failed: tickets are not allowed for Payroll']);
    });

    it('works up to the millisecond before expiry, and not at the expiry instant', async () => {
      const { ticket, expiresAt } = await h.vault.tickets.issue(bob, 'Payroll');
      const second = await h.vault.tickets.issue(bob, 'Payroll');
      h.clock.now = new Date(Date.parse(expiresAt));
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe(
        `TICKET_EXPIRED: the ticket of CORP\\bob expired at ${expiresAt}: the caller must get a new one`,
      );
      h.clock.now = new Date(Date.parse(expiresAt) - 1);
      expect(await h.vault.tickets.redeem('Payroll', second.ticket, dana)).toEqual(bobsCredentials);
    });

    it('demands validation when the SSO system requires it, and validates the sender ignoring case', async () => {
      await h.vault.global.update({ ticketsValidate: true }, admin);
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe(
        'TICKET_ISSUER_MISMATCH: the SSO system requires tickets to be validated: use validate-and-redeem with the message sender',
      );
      expect(await h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'corp\\BOB' })).toEqual(bobsCredentials);
      expect(await h.store.listEvents({ id: 10594 })).toEqual([]);
    });

    it('demands validation when the application requires it', async () => {
      await h.vault.applications.update('Payroll', { flags: { validateTickets: true } }, admin);
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe(
        'TICKET_ISSUER_MISMATCH: Payroll requires tickets to be validated: use validate-and-redeem with the message sender',
      );
      // 10594 names a sender, and there is none: the failure is the operation's generic 10536.
      expect(await h.store.listEvents({ id: 10594 })).toEqual([]);
      expect((await h.store.listEvents({ id: 10536 })).map(({ params, message }) => ({ params, message }))).toEqual([
        {
          params: expect.objectContaining({
            Function: 'RedeemTicket',
            'Application Name': 'Payroll',
            'Client User': 'CORP\\dana',
            'Error Code': 'TICKET_ISSUER_MISMATCH',
          }) as Record<string, string>,
          message: 'RedeemTicket on Payroll by CORP\\dana failed: Payroll requires tickets to be validated: use validate-and-redeem with the message sender',
        },
      ]);
      expect(await h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' })).toEqual(bobsCredentials);
    });

    it('validates and redeems without being asked to, and refuses another sender with event 10594', async () => {
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bobby' }))).toBe(
        'TICKET_ISSUER_MISMATCH: the ticket was issued to CORP\\bob, not to the sender CORP\\bobby: refuse the message',
      );
      const [refused] = await h.store.listEvents({ id: 10594 });
      expect(refused).toMatchObject({
        params: { 'Application Name': 'Payroll', 'Ticket Issued By': 'CORP\\bob', 'Sender Name': 'CORP\\bobby' },
        message: 'A ticket issued to CORP\\bob was presented by CORP\\bobby for Payroll: refused.',
      });
      // The refused attempt did not use the ticket up.
      expect(await h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' })).toEqual(bobsCredentials);
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' }))).toBe(
        'TICKET_REDEEMED: the ticket was already redeemed: tickets are single use, the caller must get a new one',
      );
    });

    it('is refused to application users and to callers who may not see the application', async () => {
      const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, bob))).toBe(
        'ACCESS_DENIED: CORP\\bob may not redeem tickets of Payroll: that needs membership of the application administrators. Ask an SSO administrator',
      );
      expect(await failure(h.vault.tickets.redeem('Payroll', ticket, eve))).toMatch(/^NO_APP: /);
    });

    it('only takes tickets of this vault', async () => {
      const other = await createVaultHarness(target);
      try {
        await other.vault.global.update({ ticketsAllowed: true }, admin);
        const { ticket } = await other.vault.tickets.issue(admin);
        expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana))).toBe(
          'TICKET_INVALID: the ticket was not issued by this vault or was altered: ask the caller for a new ticket',
        );
      } finally {
        other.vault.dispose();
        await other.close();
      }
    });
  });
});
