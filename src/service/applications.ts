import { fail } from '../errors/index.js';
import type { ApplicationFlags, ApplicationRecord } from '../store/vault-types.js';
import { type ApplicationInput, IMMUTABLE_FLAGS, checkApplication, checkNewApplication, defaultFlags, newDataKey } from '../vault/index.js';
import { authorize, hasRole } from './authorize.js';
import type { Principal } from './deps.js';
import { clientComputer } from './principal.js';
import { type VaultContext, newId } from './vault-context.js';

export interface ApplicationChanges {
  description?: string;
  contact?: string;
  userAccounts?: string[];
  adminAccounts?: string[];
  windowsAccount?: string | null;
  flags?: Partial<ApplicationFlags>;
  ticketTimeoutMinutes?: number | null;
}

/**
 * Ticket flags changed in the direction that lets more through: tickets are a system-level
 * decision, so only an SSO administrator may allow them, stop validating them or stop their
 * time-out. The other direction (what Microsoft's samples write with validateTickets="yes") only
 * tightens, and an application administrator may do it.
 */
function looserTickets(before: ApplicationFlags, after: ApplicationFlags): string[] {
  const looser: string[] = [];
  if (after.allowTickets && !before.allowTickets) looser.push('allowTickets');
  if (!after.validateTickets && before.validateTickets) looser.push('validateTickets');
  if (!after.timeoutTickets && before.timeoutTickets) looser.push('timeoutTickets');
  return looser;
}

export function applicationOperations(context: VaultContext) {
  const { store } = context;

  return {
    async create(input: ApplicationInput, principal: Principal): Promise<ApplicationRecord> {
      return context.audited({ function: 'CreateApplication', principal, application: input.name, change: true }, async () => {
        const global = await context.global();
        authorize(principal, global, 'affiliateAdmin', 'create affiliate applications');
        const checked = checkNewApplication(input);
        // Tickets are a system-level decision at creation as at every later change.
        const looser = [...looserTickets(defaultFlags(checked.type), checked.flags), ...(checked.ticketTimeoutMinutes === null ? [] : ['a ticket lifetime'])];
        if (looser.length > 0 && !hasRole(principal, global, 'ssoAdmin')) {
          throw fail('ACCESS_DENIED', `only SSO administrators may set these ticket settings of ${checked.name}: ${looser.join(', ')}`);
        }
        const keyring = await context.keyring();
        const id = newId();
        const now = context.now();
        const { record } = newDataKey(id, keyring.current, now);
        return store.createApplication({ ...checked, id, createdAt: now.toISOString() }, record);
      });
    },

    async get(name: string, principal: Principal): Promise<ApplicationRecord> {
      return (await context.application(principal, name, 'appUser', 'read')).app;
    },

    /** Applications the caller may see; config store applications only with `all`, as ENTSSO's -listapps. */
    async list(principal: Principal, options: { all?: boolean } = {}): Promise<ApplicationRecord[]> {
      const [global, apps] = await Promise.all([context.global(), store.listApplications()]);
      return apps.filter((app) => hasRole(principal, global, 'appUser', app) && (options.all || app.type !== 'configStore'));
    },

    async update(name: string, changes: ApplicationChanges, principal: Principal): Promise<ApplicationRecord> {
      return context.audited({ function: 'UpdateApplication', principal, application: name, change: true }, async () => {
        const { app, global } = await context.application(principal, name, 'appAdmin', 'update the application');
        const flags = { ...app.flags, ...changes.flags };
        const changedImmutable = IMMUTABLE_FLAGS.filter((flag) => flags[flag] !== app.flags[flag]);
        if (changedImmutable.length > 0) {
          throw fail('APP_IMMUTABLE', `${changedImmutable.join(', ')} of ${app.name} cannot change after creation: delete and recreate the application`);
        }
        if (flags.enableApp !== app.flags.enableApp) {
          throw fail('APP_INVALID', 'use enable or disable to switch an application on or off');
        }
        const ssoOnly = looserTickets(app.flags, flags);
        if ((ssoOnly.length > 0 || changes.ticketTimeoutMinutes !== undefined) && !hasRole(principal, global, 'ssoAdmin')) {
          throw fail('ACCESS_DENIED', `only SSO administrators may change ticket settings of ${app.name}`);
        }
        if (changes.adminAccounts && !hasRole(principal, global, 'affiliateAdmin')) {
          throw fail('ACCESS_DENIED', `only SSO affiliate administrators may change who administers ${app.name}`);
        }
        // The application as it would be, held to the rules it was created under.
        const { id: _id, createdAt: _created, updatedAt: _updated, version: _version, ...current } = app;
        const stated = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
        checkApplication({ ...current, ...stated, flags });
        const { flags: _flags, ...rest } = changes;
        return store.updateApplication(app.id, app.version, { ...rest, flags, updatedAt: context.now().toISOString() });
      });
    },

    async setEnabled(name: string, enabled: boolean, principal: Principal): Promise<ApplicationRecord> {
      return context.audited(
        { function: enabled ? 'EnableApplication' : 'DisableApplication', principal, application: name, change: false },
        async (trackingId) => {
          const { app } = await context.application(principal, name, 'appAdmin', enabled ? 'enable the application' : 'disable the application');
          const updated = await store.updateApplication(app.id, app.version, {
            flags: { ...app.flags, enableApp: enabled },
            updatedAt: context.now().toISOString(),
          });
          const params = {
            'Tracking ID': trackingId,
            'Client Computer': clientComputer(principal, context.deps.computerName),
            'Client User': principal.name,
            'Application Name': app.name,
          };
          if (enabled) await context.deps.events.emit(10580, params, `${principal.name} enabled affiliate application ${app.name}.`);
          else await context.deps.events.emit(10581, params, `${principal.name} disabled affiliate application ${app.name}.`);
          return updated;
        },
      );
    },

    async delete(name: string, principal: Principal): Promise<void> {
      await context.audited({ function: 'DeleteApplication', principal, application: name, change: true }, async () => {
        const { app, global } = await context.application(principal, name, 'appUser', 'delete the application');
        if (!hasRole(principal, global, 'affiliateAdmin')) {
          throw fail('ACCESS_DENIED', `${principal.name} may not delete ${app.name}: that needs membership of SSO Affiliate Administrators`);
        }
        await store.deleteApplication(app.id);
      });
    },
  };
}
