import { fail } from '../errors/index.js';
import { issueTicket, readTicket, sameAccount } from '../vault/index.js';
import type { Principal } from './deps.js';
import { requireSsoEnabled, requireWindowsInitiated } from './global-info.js';
import type { Credentials, lookupOperations } from './lookup.js';
import type { VaultContext } from './vault-context.js';

export interface IssuedTicket {
  ticket: string;
  expiresAt: string;
}

/**
 * ENTSSO tickets: a caller gets a short-lived, single-use ticket for itself; an application
 * administrator (the later step of a flow) redeems it for the ticket owner's credentials.
 */
export function ticketOperations(context: VaultContext, lookup: ReturnType<typeof lookupOperations>) {
  const { store } = context;

  return {
    async issue(principal: Principal, appName?: string): Promise<IssuedTicket> {
      return context.audited({ function: 'IssueTicket', principal, application: appName ?? '', change: false }, async () => {
        const global = await context.global();
        requireSsoEnabled(global);
        if (!global.ticketsAllowed)
          throw fail('TICKETS_NOT_ALLOWED', 'tickets are not allowed in this SSO system: an SSO administrator can allow them (ssomanage -tickets yes no)');
        let minutes = global.ticketTimeoutMinutes;
        if (appName !== undefined) {
          const { app } = await context.application(principal, appName, 'appUser', 'get tickets');
          requireWindowsInitiated(app);
          if (!app.flags.allowTickets) throw fail('TICKETS_NOT_ALLOWED', `tickets are not allowed for ${app.name}: set allowTickets=yes on it`);
          minutes = app.ticketTimeoutMinutes ?? minutes;
        }
        const now = context.now();
        const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
        const { ticket } = issueTicket(await context.keyring(), { account: principal.name, issuer: principal.name, issuedAt: now.toISOString(), expiresAt });
        return { ticket, expiresAt };
      });
    },

    /**
     * Redeems a ticket for the credentials of its owner. With `sender` (validate-and-redeem) the
     * ticket must have been issued to the sender; validation the system or the application
     * demands cannot be skipped.
     */
    async redeem(appName: string, ticket: string, principal: Principal, options: { sender?: string } = {}): Promise<Credentials> {
      const name = options.sender === undefined ? 'RedeemTicket' : 'ValidateAndRedeemTicket';
      return context.audited({ function: name, principal, application: appName, change: false }, async () => {
        const { app, global } = await context.application(principal, appName, 'appAdmin', 'redeem tickets');
        requireSsoEnabled(global);
        requireWindowsInitiated(app);
        if (!global.ticketsAllowed || !app.flags.allowTickets) {
          throw fail('TICKETS_NOT_ALLOWED', `tickets are not allowed ${global.ticketsAllowed ? `for ${app.name}` : 'in this SSO system'}`);
        }
        const claims = readTicket(await context.keyring(), ticket);
        const now = context.now();
        if (Date.parse(claims.expiresAt) <= now.getTime()) {
          throw fail('TICKET_EXPIRED', `the ticket of ${claims.account} expired at ${claims.expiresAt}: the caller must get a new one`);
        }
        const mustValidate = global.ticketsValidate || app.flags.validateTickets;
        if (options.sender === undefined && mustValidate) {
          throw fail(
            'TICKET_ISSUER_MISMATCH',
            `${global.ticketsValidate ? 'the SSO system' : app.name} requires tickets to be validated: use validate-and-redeem with the message sender`,
          );
        }
        if (options.sender !== undefined && !sameAccount(options.sender, claims.issuer)) {
          await context.deps.events.emit(
            10594,
            { 'Application Name': app.name, 'Ticket Issued By': claims.issuer, 'Sender Name': options.sender },
            `A ticket issued to ${claims.issuer} was presented by ${options.sender} for ${app.name}: refused.`,
          );
          throw fail('TICKET_ISSUER_MISMATCH', `the ticket was issued to ${claims.issuer}, not to the sender ${options.sender}: refuse the message`);
        }
        if (!(await store.redeemTicket(claims.id, claims.expiresAt, now))) {
          throw fail('TICKET_REDEEMED', 'the ticket was already redeemed: tickets are single use, the caller must get a new one');
        }
        return lookup.credentialsOf(app, await store.getMapping(app.id, claims.account), claims.account);
      });
    },
  };
}
