import type { GlobalInfo } from '../store/vault-types.js';
import { LIMITS, checkAccount, checkName, checkTicketTimeout } from '../vault/index.js';
import { authorize } from './authorize.js';
import type { Principal } from './deps.js';
import { clientComputer } from './principal.js';
import type { VaultContext } from './vault-context.js';

/** The SSO system's settings (ENTSSO's global info): administrators, tickets, secret server. */
export function globalInfoOperations(context: VaultContext) {
  return {
    async get(principal: Principal): Promise<GlobalInfo> {
      const global = await context.global();
      authorize(principal, global, 'affiliateAdmin', 'read the SSO system settings');
      return global;
    },

    async update(patch: Partial<GlobalInfo>, principal: Principal): Promise<GlobalInfo> {
      return context.audited({ function: 'UpdateGlobalInfo', principal, application: '', change: true }, async (trackingId) => {
        const before = await context.global();
        authorize(principal, before, 'ssoAdmin', 'change the SSO system settings');
        for (const account of [...(patch.ssoAdminAccounts ?? []), ...(patch.affiliateAdminAccounts ?? [])]) checkAccount(account);
        if (patch.ticketTimeoutMinutes !== undefined) checkTicketTimeout(patch.ticketTimeoutMinutes);
        if (patch.secretServer) checkName('the secret server', patch.secretServer, LIMITS.identifierLength);
        const after = await context.store.updateGlobalInfo(patch);
        const who = { 'Tracking ID': trackingId, 'Client Computer': clientComputer(principal, context.deps.computerName), 'Client User': principal.name };
        const { emit } = context.deps.events;
        if (patch.ssoAdminAccounts && patch.ssoAdminAccounts.join() !== before.ssoAdminAccounts.join()) {
          await emit(10576, {
            'New SSO Administrators': after.ssoAdminAccounts.join(';'),
            'Old SSO Administrators': before.ssoAdminAccounts.join(';'),
            ...who,
          });
        }
        if (patch.affiliateAdminAccounts && patch.affiliateAdminAccounts.join() !== before.affiliateAdminAccounts.join()) {
          await emit(10577, {
            'New SSO Affiliate Administrators': after.affiliateAdminAccounts.join(';'),
            'Old SSO Affiliate Administrators': before.affiliateAdminAccounts.join(';'),
            ...who,
          });
        }
        if (after.ticketsAllowed !== before.ticketsAllowed) await emit(after.ticketsAllowed ? 10606 : 10607, who);
        if (after.secretServer !== before.secretServer) {
          await emit(10575, {
            'New Secret Server': after.secretServer,
            'Old Secret Server': before.secretServer,
            'Tracking ID': trackingId,
            'Client Computer': clientComputer(principal, context.deps.computerName),
            'Client User': principal.name,
          });
        }
        return after;
      });
    },
  };
}
