/**
 * Every role rule of service/authorize.ts, one by one: who is an SSO administrator, an affiliate
 * administrator, an application administrator or user; what each is refused, and that an
 * application the caller may not see answers exactly like one that does not exist.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import {
  authorize,
  authorizeApp,
  hasRole,
  isAffiliateAdmin,
  isAppAdmin,
  isAppUser,
  isSsoAdmin,
  memberOf,
  noSuchApplication,
  requireSsoAdmin,
} from '../../src/service/authorize.js';
import type { ApplicationRecord, GlobalInfo } from '../../src/store/vault-types.js';
import { DEFAULT_FLAGS } from '../../src/vault/index.js';
import { outcome } from '../support/outcome.js';

const global: GlobalInfo = {
  ssoAdminAccounts: ['CORP\\SSO Admins'],
  affiliateAdminAccounts: ['CORP\\Affiliates'],
  ticketsAllowed: false,
  ticketsValidate: false,
  ticketTimeoutMinutes: 2,
  credCacheTimeoutMinutes: 60,
  secretServer: 'HOST',
  auditDeletedApps: 1000,
  auditDeletedMappings: 1000,
  auditCredentialLookups: 1000,
  ssoEnabled: true,
  auditPositive: 0,
  auditNegative: 1,
};
const app: ApplicationRecord = {
  id: 'app-1',
  name: 'Payroll',
  type: 'individual',
  description: '',
  contact: '',
  userAccounts: ['CORP\\Payroll Users'],
  adminAccounts: ['CORP\\Payroll Admins'],
  windowsAccount: null,
  fields: [{ ordinal: 0, label: 'User Id', masked: false, sync: false }],
  flags: { ...DEFAULT_FLAGS },
  ticketTimeoutMinutes: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  version: 1,
};
const sameAdmins: ApplicationRecord = { ...app, flags: { ...DEFAULT_FLAGS, adminAccountSame: true } };

const user = (name: string, ...groups: string[]): Principal => ({ name, groups });
const local: Principal = { name: 'HOST\\root', localAdministrator: true };
const ssoAdmin = user('CORP\\sam', 'CORP\\SSO Admins');
const affiliate = user('CORP\\fay', 'CORP\\Affiliates');
const appAdmin = user('CORP\\dana', 'CORP\\Payroll Admins');
const appUser = user('CORP\\bob', 'CORP\\Payroll Users');
const stranger = user('CORP\\eve', 'CORP\\Marketing');

describe('membership', () => {
  it("matches the caller's name or any of its groups, ignoring case", () => {
    expect(memberOf(user('CORP\\bob'), ['corp\\BOB'])).toBe(true);
    expect(memberOf(user('CORP\\bob', 'CORP\\a', 'corp\\payroll users'), ['CORP\\Payroll Users'])).toBe(true);
    expect(memberOf(user('CORP\\bob', 'CORP\\a'), ['CORP\\b', 'CORP\\bobby'])).toBe(false);
    expect(memberOf({ name: 'CORP\\bob' }, ['CORP\\Payroll Users'])).toBe(false);
  });

  // Lower-casing folded the Kelvin sign U+212A into "k", so CORP\<U+212A>ate was a member wherever
  // CORP\kate was; accounts now compare by a Windows-like key.
  it('does not take a look-alike for the account (Kelvin sign for K)', () => {
    expect(memberOf(user('CORP\\\u212Aate'), ['CORP\\kate'])).toBe(false);
    expect(memberOf(user('CORP\\eve', 'CORP\\\u212Aate'), ['CORP\\kate'])).toBe(false);
  });

  it("of an empty list is nobody's, not even a caller without a name", () => {
    expect(memberOf(user('', ''), [])).toBe(false);
    expect(memberOf(user('CORP\\bob', 'CORP\\x'), [])).toBe(false);
  });
});

describe('roles', () => {
  it.each([
    ['the local administrator', local, [true, true, true, true]],
    ['an SSO administrator', ssoAdmin, [true, true, true, true]],
    ['an affiliate administrator', affiliate, [false, true, true, true]],
    ['an application administrator', appAdmin, [false, false, true, true]],
    ['an application user', appUser, [false, false, false, true]],
    ['a stranger', stranger, [false, false, false, false]],
  ] as const)('%s holds exactly its roles and the ones below', (_who, principal, [sso, affiliateRole, admin, appUserRole]) => {
    expect(isSsoAdmin(principal, global)).toBe(sso);
    expect(isAffiliateAdmin(principal, global)).toBe(affiliateRole);
    expect(isAppAdmin(principal, global, app)).toBe(admin);
    expect(hasRole(principal, global, 'ssoAdmin')).toBe(sso);
    expect(hasRole(principal, global, 'affiliateAdmin')).toBe(affiliateRole);
    expect(hasRole(principal, global, 'appAdmin', app)).toBe(admin);
    expect(hasRole(principal, global, 'appUser', app)).toBe(appUserRole);
  });

  it('grants application roles only with an application', () => {
    expect(hasRole(local, global, 'appAdmin')).toBe(false);
    expect(hasRole(local, global, 'appUser')).toBe(false);
  });

  it('gives application users nothing but use, and administrators use as well', () => {
    expect(isAppUser(appUser, app)).toBe(true);
    expect(isAppUser(appAdmin, app)).toBe(false);
    expect(hasRole(appAdmin, global, 'appUser', app)).toBe(true);
  });

  it("with adminAccountSame, the application's own administrators are not administrators (affiliate ones still are)", () => {
    expect(isAppAdmin(appAdmin, global, sameAdmins)).toBe(false);
    expect(hasRole(appAdmin, global, 'appUser', sameAdmins)).toBe(false);
    expect(isAppAdmin(affiliate, global, sameAdmins)).toBe(true);
  });

  it('is not granted by a false localAdministrator', () => {
    expect(isSsoAdmin({ name: 'HOST\\root', localAdministrator: false }, global)).toBe(false);
  });
});

describe('authorizing an operation on an application', () => {
  it('returns the application to a caller who holds the role', () => {
    expect(authorizeApp(appAdmin, global, app, 'Payroll', 'appAdmin', 'redeem tickets')).toBe(app);
    expect(authorizeApp(appUser, global, app, 'payroll', 'appUser', 'look up credentials')).toBe(app);
  });

  it('answers NO_APP, word for word, when the caller may not see it or it does not exist', () => {
    const hidden = outcome(() => authorizeApp(stranger, global, app, 'Payroll', 'appUser', 'see it'));
    const missing = outcome(() => authorizeApp(stranger, global, undefined, 'Payroll', 'appUser', 'see it'));
    expect(hidden).toBe('NO_APP: there is no affiliate application named Payroll (or you may not see it): check the name with tessera app list');
    expect(missing).toBe(hidden);
    expect(outcome(() => authorizeApp(local, global, undefined, 'Payroll', 'appUser', 'see it'))).toBe(hidden);
    expect(outcome(() => authorizeApp(appAdmin, global, sameAdmins, 'Payroll', 'appAdmin', 'update it'))).toBe(hidden);
    expect(noSuchApplication('X').message).toBe('there is no affiliate application named X (or you may not see it): check the name with tessera app list');
  });

  it('answers ACCESS_DENIED, naming the role needed, to a caller who may see it but not do this', () => {
    expect(outcome(() => authorizeApp(appUser, global, app, 'Payroll', 'appAdmin', 'redeem tickets'))).toBe(
      'ACCESS_DENIED: CORP\\bob may not redeem tickets of Payroll: that needs membership of the application administrators. Ask an SSO administrator',
    );
    expect(outcome(() => authorizeApp(appAdmin, global, app, 'Payroll', 'affiliateAdmin', 'change its administrators'))).toBe(
      'ACCESS_DENIED: CORP\\dana may not change its administrators of Payroll: that needs membership of SSO Affiliate Administrators. Ask an SSO administrator',
    );
    expect(outcome(() => authorizeApp(affiliate, global, app, 'Payroll', 'ssoAdmin', 'change ticket settings'))).toBe(
      'ACCESS_DENIED: CORP\\fay may not change ticket settings of Payroll: that needs membership of SSO Administrators. Ask an SSO administrator',
    );
  });
});

describe('authorizing an operation on the SSO system', () => {
  it("lets the role's holders pass and tells everyone else which role is needed", () => {
    expect(outcome(() => authorize(ssoAdmin, global, 'ssoAdmin', 'change the SSO system settings'))).toBe('ok');
    expect(outcome(() => authorize(affiliate, global, 'affiliateAdmin', 'create applications'))).toBe('ok');
    expect(outcome(() => authorize(affiliate, global, 'ssoAdmin', 'change the SSO system settings'))).toBe(
      'ACCESS_DENIED: CORP\\fay may not change the SSO system settings: that needs membership of SSO Administrators. Ask an SSO administrator',
    );
    expect(outcome(() => authorize(appAdmin, global, 'affiliateAdmin', 'create applications'))).toBe(
      'ACCESS_DENIED: CORP\\dana may not create applications: that needs membership of SSO Affiliate Administrators. Ask an SSO administrator',
    );
  });

  it('keeps the master secret to SSO administrators, and the local one needs no database to be one', async () => {
    const store = { getGlobalInfo: async () => global };
    const unreachable = { getGlobalInfo: () => Promise.reject(new Error('the database is down')) };
    await expect(requireSsoAdmin(unreachable, local, 'back up the master secret')).resolves.toBeUndefined();
    await expect(requireSsoAdmin(store, ssoAdmin, 'back up the master secret')).resolves.toBeUndefined();
    await expect(requireSsoAdmin(store, affiliate, 'back up the master secret')).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: 'CORP\\fay may not back up the master secret: that needs membership of SSO Administrators. Ask an SSO administrator',
    });
  });
});
