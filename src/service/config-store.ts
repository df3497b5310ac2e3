import { fail } from '../errors/index.js';
import type { ApplicationRecord } from '../store/vault-types.js';
import { LIMITS, checkName, fieldKeyVersion, nameKey, openFields, sealFields } from '../vault/index.js';
import type { Principal } from './deps.js';
import { requireSsoEnabled } from './global-info.js';
import type { VaultContext } from './vault-context.js';

export type ConfigValues = Record<string, string>;

/**
 * ENTSSO's config store: property bags per (config store application, identifier), encrypted
 * like credentials. A first write must give every field; later writes may give some.
 */
export function configOperations(context: VaultContext) {
  const { store } = context;

  async function configApp(principal: Principal, name: string, role: 'appAdmin' | 'appUser', action: string, runtime = false): Promise<ApplicationRecord> {
    const { app, global } = await context.application(principal, name, role, action);
    // A runtime read is what an integration server makes on every start and message: SSO's to stop.
    if (runtime) requireSsoEnabled(global);
    if (app.type !== 'configStore') throw fail('APP_INVALID', `${app.name} is not a config store application`);
    return app;
  }

  function checkIdentifier(identifier: string): void {
    if (identifier.trim() === '') throw fail('INVALID_ARGUMENT', `a config identifier has 1 to ${LIMITS.identifierLength} characters (usually a GUID)`);
    checkName('the config identifier', identifier, LIMITS.identifierLength);
  }

  const owner = (identifier: string) => ({ kind: 'config' as const, identifier });

  return {
    async set(appName: string, identifier: string, values: ConfigValues, principal: Principal): Promise<void> {
      await context.audited({ function: 'SetConfigInfo', principal, application: appName, change: true }, async () => {
        const app = await configApp(principal, appName, 'appAdmin', 'write config entries');
        checkIdentifier(identifier);
        // Labels compare as names do (vault/account-name.ts).
        const byLabel = new Map(app.fields.map((field) => [nameKey(field.label), field]));
        const unknown = Object.keys(values).filter((label) => !byLabel.has(nameKey(label)));
        if (unknown.length > 0)
          throw fail('FIELD_COUNT', `${app.name} has no field ${unknown.join(', ')}; its fields are ${app.fields.map((f) => f.label).join(', ')}`);
        const existing = await store.getConfig(app.id, identifier);
        if (!existing && Object.keys(values).length !== app.fields.length) {
          const missing = app.fields.filter((field) => !Object.keys(values).some((label) => nameKey(label) === nameKey(field.label)));
          throw fail('FIELD_COUNT', `the first write of ${identifier} needs every field of ${app.name}; missing: ${missing.map((f) => f.label).join(', ')}`);
        }
        const sealed = new Map<number, string>();
        for (const [label, value] of Object.entries(values)) {
          if (Buffer.byteLength(value) > LIMITS.valueBytes) throw fail('FIELD_TOO_LONG', `${label} may hold at most ${LIMITS.valueBytes} bytes`);
          sealed.set(byLabel.get(nameKey(label))!.ordinal, value);
        }
        await store.setConfig(app.id, identifier, sealFields(await context.dataKey(app.id), owner(identifier), sealed), context.now().toISOString());
      });
    },

    /** 'admin' reads omit masked fields; 'runtime' reads (the application's users) return all. */
    async get(appName: string, identifier: string, mode: 'admin' | 'runtime', principal: Principal): Promise<ConfigValues> {
      return context.audited({ function: 'GetConfigInfo', principal, application: appName, change: false }, async () => {
        const app = await configApp(principal, appName, mode === 'admin' ? 'appAdmin' : 'appUser', 'read config entries', mode === 'runtime');
        const sealed = await store.getConfig(app.id, identifier);
        if (!sealed) throw fail('NO_CONFIG', `${app.name} has no config entry ${identifier}`);
        const values = openFields(await context.dataKey(app.id, sealed[0] ? fieldKeyVersion(sealed[0]) : undefined), owner(identifier), sealed);
        const result: ConfigValues = {};
        for (const field of app.fields) {
          if (mode === 'admin' && field.masked) continue;
          result[field.label] = values.get(field.ordinal) ?? '';
        }
        return result;
      });
    },

    async delete(appName: string, identifier: string, principal: Principal): Promise<void> {
      await context.audited({ function: 'DeleteConfigInfo', principal, application: appName, change: true }, async () => {
        const app = await configApp(principal, appName, 'appAdmin', 'delete config entries');
        if (!(await store.deleteConfig(app.id, identifier))) throw fail('NO_CONFIG', `${app.name} has no config entry ${identifier}`);
      });
    },
  };
}
