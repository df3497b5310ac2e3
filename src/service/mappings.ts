import { fail, isTesseraError } from '../errors/index.js';
import type { ApplicationRecord, GlobalInfo, MappingRecord } from '../store/vault-types.js';
import { LIMITS, checkAccount, checkName, sameAccount, sealFields } from '../vault/index.js';
import { hasRole } from './authorize.js';
import type { Principal } from './deps.js';
import { type VaultContext, newId } from './vault-context.js';

/**
 * Mappings tie an enterprise account to an external account of one application. Application
 * administrators manage all of them; an application user only its own, and never a group
 * application's (ENTSSO 10557, 10558).
 */
export function mappingOperations(context: VaultContext) {
  const { store } = context;

  async function mayManage(principal: Principal, appName: string, account: string, action: string) {
    const { app, global } = await context.application(principal, appName, 'appUser', action);
    checkOwnership(principal, global, app, account, action);
    return app;
  }

  /**
   * The store names the mapping that clashes; only application administrators may see it. A
   * plain user learns that the request clashes, never whose mapping it clashes with.
   */
  async function createdOrExplained(app: ApplicationRecord, principal: Principal, create: () => Promise<MappingRecord>, externalUser: string) {
    try {
      return await create();
    } catch (error) {
      if (!isTesseraError(error, 'MAPPING_EXISTS') || hasRole(principal, await context.global(), 'appAdmin', app)) throw error;
      const own = await store.getMapping(app.id, principal.name);
      throw fail(
        'MAPPING_EXISTS',
        own
          ? `you already have a mapping for ${app.name}: change it (tessera mapping list ${app.name}) or ask an application administrator of ${app.name}`
          : `external user ${externalUser} cannot be mapped to you in ${app.name}: ask an application administrator of ${app.name}`,
      );
    }
  }

  async function existing(app: ApplicationRecord, account: string): Promise<MappingRecord> {
    const mapping = await store.getMapping(app.id, account);
    if (!mapping)
      throw fail('NO_MAPPING', `${account} has no mapping for ${app.name}: create one with tessera mapping create ${app.name} ${account} EXTERNAL_USER`);
    return mapping;
  }

  return {
    async create(appName: string, account: string, externalUser: string, principal: Principal): Promise<MappingRecord> {
      return context.audited({ function: 'CreateMapping', principal, application: appName, change: true }, async () => {
        const app = await mayManage(principal, appName, account, 'create mappings');
        if (app.type === 'configStore') throw fail('APP_INVALID', `${app.name} is a config store application: it has config entries, not mappings`);
        checkAccount(account);
        if (app.type === 'group' && !app.userAccounts.some((group) => sameAccount(group, account))) {
          throw fail(
            'ACCOUNT_INVALID',
            `group application ${app.name} maps its application users groups (${app.userAccounts.join(', ')}), and ${account} is not one of them`,
          );
        }
        if (externalUser.trim() === '') throw fail('FIELD_TOO_LONG', `the external user id must have 1 to ${LIMITS.externalUserLength} characters`);
        checkName('the external user id', externalUser, LIMITS.externalUserLength);
        const now = context.now().toISOString();
        return createdOrExplained(
          app,
          principal,
          () => store.createMapping({ id: newId(), applicationId: app.id, account, externalUser, createdAt: now }),
          externalUser,
        );
      });
    },

    async list(filter: { application?: string; account?: string }, principal: Principal): Promise<Array<MappingRecord & { application: string }>> {
      const global = await context.global();
      const apps = filter.application
        ? [(await context.application(principal, filter.application, 'appUser', 'list mappings')).app]
        : (await store.listApplications()).filter((app) => hasRole(principal, global, 'appUser', app));
      const result: Array<MappingRecord & { application: string }> = [];
      for (const app of apps) {
        const admin = hasRole(principal, global, 'appAdmin', app);
        const account = admin ? filter.account : principal.name; // users see their own only
        if (!admin && filter.account && !sameAccount(filter.account, principal.name)) continue;
        const mappings = await store.listMappings({ applicationId: app.id, ...(account ? { account } : {}) });
        result.push(...mappings.map((mapping) => ({ ...mapping, application: app.name })));
      }
      return result;
    },

    async setEnabled(appName: string, account: string, enabled: boolean, principal: Principal): Promise<MappingRecord> {
      return context.audited({ function: enabled ? 'EnableMapping' : 'DisableMapping', principal, application: appName, change: true }, async () => {
        const app = await mayManage(principal, appName, account, enabled ? 'enable mappings' : 'disable mappings');
        const mapping = await existing(app, account);
        if (enabled && !mapping.hasCredentials)
          throw fail('NO_CREDENTIALS', `set the credentials of ${account} for ${app.name} first: that enables the mapping`);
        return (await store.setMappingEnabled(mapping.id, enabled, context.now().toISOString()))!;
      });
    },

    async delete(appName: string, account: string, principal: Principal): Promise<void> {
      await context.audited({ function: 'DeleteMapping', principal, application: appName, change: true }, async () => {
        const app = await mayManage(principal, appName, account, 'delete mappings');
        await store.deleteMapping((await existing(app, account)).id);
      });
    },

    /**
     * Sets the credentials of a mapping (fields 1..n, in order) and so enables it. For a host
     * group application `account` is the external user, since its enterprise account is shared.
     */
    async setCredentials(appName: string, account: string, values: readonly string[], principal: Principal): Promise<void> {
      await context.audited({ function: 'SetCredentials', principal, application: appName, change: true }, async () => {
        const app = await mayManage(principal, appName, account, 'set credentials');
        const mapping = app.type === 'hostGroup' ? await store.getMappingByExternalUser(app.id, account) : await existing(app, account);
        if (!mapping) throw fail('NO_MAPPING', `${account} has no mapping for ${app.name}`);
        const expected = app.fields.length - 1;
        if (values.length !== expected) {
          throw fail(
            'FIELD_COUNT',
            `${app.name} has ${expected} credential field(s) (${app.fields
              .slice(1)
              .map((f) => f.label)
              .join(', ')}) and ${values.length} value(s) were given`,
          );
        }
        const tooLong = values.findIndex((value) => Buffer.byteLength(value) > LIMITS.valueBytes);
        if (tooLong >= 0) throw fail('FIELD_TOO_LONG', `field ${tooLong + 1} of ${app.name} may hold at most ${LIMITS.valueBytes} bytes`);
        const dataKey = await context.dataKey(app.id);
        const sealed = sealFields(dataKey, { kind: 'credential', mappingId: mapping.id }, new Map(values.map((value, index) => [index + 1, value])));
        await store.setCredentials(mapping.id, sealed, context.now().toISOString());
      });
    },
  };
}

/** An application user may touch only its own mapping, and none of a group application. */
function checkOwnership(principal: Principal, global: GlobalInfo, app: ApplicationRecord, account: string, action: string): void {
  if (hasRole(principal, global, 'appAdmin', app)) return;
  if (app.type === 'group') throw fail('ACCESS_DENIED', `only administrators of group application ${app.name} may ${action}`);
  if (!sameAccount(account, principal.name)) throw fail('ACCESS_DENIED', `${principal.name} may ${action} only for its own account, not ${account}`);
}
