import { timingSafeEqual } from 'node:crypto';
import { fail } from '../errors/index.js';
import type { ApplicationRecord, MappingRecord, SealedField } from '../store/vault-types.js';
import { fieldKeyVersion, openFields, sameAccount } from '../vault/index.js';
import { authorizeApp, isAppUser, memberOf } from './authorize.js';
import type { Principal } from './deps.js';
import type { VaultContext } from './vault-context.js';

export interface Credentials {
  application: string;
  /** The enterprise account the credentials belong to (for group applications: the group). */
  account: string;
  externalUser: string;
  /** Fields 1..n in order, by label. */
  fields: Array<{ label: string; value: string }>;
}

/** What integration servers call on every message: ENTSSO's GetCredentials and LogonExternalUser. */
export function lookupOperations(context: VaultContext) {
  const { store } = context;

  /** Decrypts a mapping's credentials after the state checks ENTSSO makes (10755, 10764, 10765). */
  async function credentialsOf(app: ApplicationRecord, mapping: MappingRecord | undefined, who: string, preloaded?: SealedField[]): Promise<Credentials> {
    if (!app.flags.enableApp) throw fail('APP_DISABLED', `${app.name} is disabled: an application administrator must enable it`);
    if (!mapping) throw fail('NO_MAPPING', `${who} has no mapping for ${app.name}: an application administrator can create one`);
    if (!mapping.enabled) throw fail('MAPPING_DISABLED', `the mapping of ${who} for ${app.name} is disabled: enable it, or set its credentials again`);
    if (!mapping.hasCredentials) throw fail('NO_CREDENTIALS', `the mapping of ${who} for ${app.name} has no credentials yet: set them first`);
    const sealed = preloaded ?? (await store.getCredentials(mapping.id));
    const dataKey = await context.dataKey(app.id, sealed[0] ? fieldKeyVersion(sealed[0]) : undefined);
    const values = openFields(dataKey, { kind: 'credential', mappingId: mapping.id }, sealed);
    return {
      application: app.name,
      account: mapping.account,
      externalUser: mapping.externalUser,
      fields: app.fields.slice(1).map((field) => ({ label: field.label, value: values.get(field.ordinal) ?? '' })),
    };
  }

  return {
    credentialsOf,

    /**
     * The caller's credentials, or (administrators) those of `account`. One store round trip:
     * the application and the candidate mappings come together, and the global settings are
     * read only when the caller is not simply one of the application's users.
     */
    async getCredentials(appName: string, principal: Principal, options: { account?: string } = {}): Promise<Credentials> {
      return context.audited({ function: 'GetCredentials', principal, application: appName, change: false }, async () => {
        const other = options.account !== undefined && !sameAccount(options.account, principal.name);
        const candidates = other ? [options.account!] : [principal.name, ...(principal.groups ?? [])];
        const found = await store.lookupCredentials(appName, candidates);
        const app = found?.application;
        const role = other ? 'appAdmin' : 'appUser';
        if (!app || other || !isAppUser(principal, app))
          authorizeApp(principal, await context.global(), app, appName, role, 'look up the credentials of other accounts');
        if (app!.type === 'configStore' || app!.type === 'hostGroup') {
          throw fail(
            'APP_INVALID',
            `${app!.name} is a ${app!.type} application: ${app!.type === 'hostGroup' ? 'look it up by external user (host-initiated)' : 'read its config entries instead'}`,
          );
        }
        const mapping = pickMapping(app!, found!.mappings, other ? options.account! : principal.name, principal, other);
        return credentialsOf(app!, mapping, other ? options.account! : principal.name, mapping?.fields);
      });
    },

    /**
     * Host-initiated SSO: which enterprise account an external user stands for. With
     * validatePassword, the external user's password must match the stored one.
     */
    async hostLookup(
      appName: string,
      externalUser: string,
      principal: Principal,
      password?: string,
    ): Promise<{ application: string; account: string; externalUser: string }> {
      return context.audited({ function: 'LogonExternalUser', principal, application: appName, change: false }, async () => {
        const { app } = await context.application(principal, appName, 'appAdmin', 'make host-initiated lookups');
        if (!app.flags.hostInitiatedSSO) throw fail('HOST_SSO_NOT_ENABLED', `host-initiated SSO is not enabled for ${app.name}: set hostInitiatedSSO=yes`);
        const mapping = await store.getMappingByExternalUser(app.id, externalUser);
        const credentials = await credentialsOf(app, mapping, externalUser);
        if (app.flags.validatePassword) {
          const stored = Buffer.from(credentials.fields[0]?.value ?? '', 'utf8');
          const given = Buffer.from(password ?? '', 'utf8');
          if (stored.length !== given.length || !timingSafeEqual(stored, given)) {
            throw fail('HOST_CREDENTIALS_INVALID', `the password of external user ${externalUser} does not match the one stored for ${app.name}`);
          }
        }
        return { application: app.name, account: app.type === 'hostGroup' ? app.windowsAccount! : mapping!.account, externalUser };
      });
    },
  };
}

/**
 * Which of the found mappings answers: an administrator's lookup of `account`, the caller's own,
 * or for a group application the first of its listed groups that the caller is in and is mapped.
 */
function pickMapping<M extends MappingRecord>(
  app: ApplicationRecord,
  found: readonly M[],
  account: string,
  principal: Principal,
  other: boolean,
): M | undefined {
  const of = (name: string) => found.find((mapping) => sameAccount(mapping.account, name));
  if (other || app.type !== 'group') return of(account);
  for (const group of app.userAccounts) {
    if (!memberOf(principal, [group])) continue;
    const mapping = of(group);
    if (mapping) return mapping;
  }
  return undefined;
}
