import { fail } from '../errors/index.js';
import type { ApplicationRecord, GlobalInfo } from '../store/vault-types.js';
import { LIMITS, checkAccount, checkName, checkTicketTimeout } from '../vault/index.js';
import { authorize } from './authorize.js';
import type { Principal } from './deps.js';
import { clientComputer } from './principal.js';
import type { VaultContext } from './vault-context.js';

/** The message of SSO_DISABLED (ENTSSO 10754), the same wherever a runtime operation meets the switch off. */
export const SSO_DISABLED_MESSAGE = 'the SSO system is disabled: an SSO administrator can enable it with ssomanage -enablesso (or tessera global sso enable)';

/** Lookups, tickets and runtime config reads stop while an SSO administrator has SSO disabled. */
export function requireSsoEnabled(global: GlobalInfo): void {
  if (!global.ssoEnabled) throw fail('SSO_DISABLED', SSO_DISABLED_MESSAGE);
}

/**
 * Windows-initiated SSO (a lookup by the caller's Windows account or `--account`, tickets) is
 * refused for an application with windowsInitiatedSSO="no"; host-initiated lookups go on.
 */
export function requireWindowsInitiated(app: ApplicationRecord): void {
  if (!app.flags.windowsInitiatedSSO) {
    throw fail(
      'WINDOWS_SSO_NOT_ENABLED',
      `Windows-initiated SSO is not enabled for ${app.name}: set windowsInitiatedSSO="yes" on it (ssomanage -updateapps) or use host-initiated lookups`,
    );
  }
}

/** ssoconfig -auditlevel: ENTSSO's levels run from 0 (none) to 3 (all). */
export function checkAuditLevel(what: string, level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 3) throw fail('INVALID_ARGUMENT', `${what} is an audit level from 0 to 3, not ${level}`);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.join('\n') === b.join('\n');

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
        if (patch.auditPositive !== undefined) checkAuditLevel('the positive audit level', patch.auditPositive);
        if (patch.auditNegative !== undefined) checkAuditLevel('the negative audit level', patch.auditNegative);
        await refuseAccountChangeWhileEnabled(patch, before);
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
        if (after.ssoEnabled !== before.ssoEnabled) await emit(after.ssoEnabled ? 10582 : 10583, who);
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

  /**
   * ENTSSO changes the SSO Administrators and SSO Affiliate Administrators accounts only while
   * SSO is disabled (10570, 10572; error 10773). A list that is still empty may be set while
   * enabled: that is how a new vault gets its first administrators (tessera serve's first start).
   */
  async function refuseAccountChangeWhileEnabled(patch: Partial<GlobalInfo>, before: GlobalInfo): Promise<void> {
    if (!before.ssoEnabled) return;
    const changes = [
      { list: patch.ssoAdminAccounts, old: before.ssoAdminAccounts, name: 'SSO Administrators', event: 10570 as const },
      { list: patch.affiliateAdminAccounts, old: before.affiliateAdminAccounts, name: 'SSO Affiliate Administrators', event: 10572 as const },
    ].filter((change) => change.list !== undefined && change.old.length > 0 && !sameList(change.list, change.old));
    if (changes.length === 0) return;
    for (const change of changes) await context.deps.events.emit(change.event, {});
    throw fail(
      'SSO_MUST_BE_DISABLED',
      `the ${changes.map((change) => change.name).join(' and ')} account can change only while SSO is disabled: ` +
        'disable SSO with ssomanage -disablesso, change the account, then ssomanage -enablesso',
    );
  }
}
