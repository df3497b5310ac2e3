import { applicationOperations } from './applications.js';
import { configOperations } from './config-store.js';
import { globalInfoOperations } from './global-info.js';
import { lookupOperations } from './lookup.js';
import { mappingOperations } from './mappings.js';
import { ticketOperations } from './tickets.js';
import { VaultContext, type VaultServiceDeps } from './vault-context.js';

/** The SSO vault as every front end calls it: applications, mappings, lookup, tickets, config. */
export function createVaultService(deps: VaultServiceDeps) {
  const context = new VaultContext(deps);
  const lookup = lookupOperations(context);
  return {
    applications: applicationOperations(context),
    mappings: mappingOperations(context),
    lookup,
    tickets: ticketOperations(context, lookup),
    config: configOperations(context),
    global: globalInfoOperations(context),
    /** Zeroes the cached keyring, data keys and credentials. */
    dispose: () => context.dispose(),
  };
}

export type VaultService = ReturnType<typeof createVaultService>;
