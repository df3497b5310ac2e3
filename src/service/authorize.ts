import { fail } from '../errors/index.js';
import type { ApplicationRecord, GlobalInfo } from '../store/vault-types.js';
import { nameKey } from '../vault/index.js';
import type { Principal } from './deps.js';

/**
 * The one place that decides who may do what. Deny by default; an application the caller may
 * not see answers exactly like one that does not exist, so its name leaks nothing.
 */
export type Role = 'ssoAdmin' | 'affiliateAdmin' | 'appAdmin' | 'appUser';

/** Accounts compare as Windows compares them (vault/account-name.ts): a look-alike is another account. */
export function memberOf(principal: Principal, accounts: readonly string[]): boolean {
  if (accounts.length === 0) return false;
  const wanted = new Set(accounts.map(nameKey));
  return wanted.has(nameKey(principal.name)) || (principal.groups ?? []).some((group) => wanted.has(nameKey(group)));
}

export function isSsoAdmin(principal: Principal, global: GlobalInfo): boolean {
  return principal.localAdministrator === true || memberOf(principal, global.ssoAdminAccounts);
}

export function isAffiliateAdmin(principal: Principal, global: GlobalInfo): boolean {
  return isSsoAdmin(principal, global) || memberOf(principal, global.affiliateAdminAccounts);
}

export function isAppAdmin(principal: Principal, global: GlobalInfo, app: ApplicationRecord): boolean {
  return isAffiliateAdmin(principal, global) || (!app.flags.adminAccountSame && memberOf(principal, app.adminAccounts));
}

export function isAppUser(principal: Principal, app: ApplicationRecord): boolean {
  return memberOf(principal, app.userAccounts);
}

export function hasRole(principal: Principal, global: GlobalInfo, role: Role, app?: ApplicationRecord): boolean {
  switch (role) {
    case 'ssoAdmin':
      return isSsoAdmin(principal, global);
    case 'affiliateAdmin':
      return isAffiliateAdmin(principal, global);
    case 'appAdmin':
      return app !== undefined && isAppAdmin(principal, global, app);
    case 'appUser':
      return app !== undefined && (isAppUser(principal, app) || isAppAdmin(principal, global, app));
  }
}

export function noSuchApplication(name: string) {
  return fail('NO_APP', `there is no affiliate application named ${name} (or you may not see it): check the name with tessera app list`);
}

/** Returns the application if the caller holds `role` on it; NO_APP if it may not even see it. */
export function authorizeApp(
  principal: Principal,
  global: GlobalInfo,
  app: ApplicationRecord | undefined,
  name: string,
  role: Role,
  action: string,
): ApplicationRecord {
  if (!app || !hasRole(principal, global, 'appUser', app)) throw noSuchApplication(name);
  if (!hasRole(principal, global, role, app)) throw denied(principal, role, action, app.name);
  return app;
}

/** For operations not about one application (global info, creating applications, the master secret). */
export function authorize(principal: Principal, global: GlobalInfo, role: 'ssoAdmin' | 'affiliateAdmin', action: string): void {
  if (!hasRole(principal, global, role)) throw denied(principal, role, action);
}

const ROLE_NAMES: Record<Role, string> = {
  ssoAdmin: 'SSO Administrators',
  affiliateAdmin: 'SSO Affiliate Administrators',
  appAdmin: 'the application administrators',
  appUser: 'the application users',
};

function denied(principal: Principal, role: Role, action: string, app?: string) {
  return fail(
    'ACCESS_DENIED',
    `${principal.name} may not ${action}${app ? ` of ${app}` : ''}: that needs membership of ${ROLE_NAMES[role]}. Ask an SSO administrator`,
  );
}

/** The master secret is the SSO administrators' alone (ENTSSO 10772). */
export async function requireSsoAdmin(store: { getGlobalInfo(): Promise<GlobalInfo> }, principal: Principal, action: string): Promise<void> {
  if (principal.localAdministrator) return;
  authorize(principal, await store.getGlobalInfo(), 'ssoAdmin', action);
}
