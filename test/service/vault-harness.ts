import { type CredentialCacheOptions, createVaultService, type Principal, type VaultService } from '../../src/service/index.js';
import { openStore } from '../../src/store/index.js';
import { createEventEmitter } from '../../src/events/index.js';
import { keyFileSealSource } from '../../src/keys/index.js';
import type { ApplicationInput } from '../../src/vault/index.js';
import { DEFAULT_FLAGS } from '../../src/vault/index.js';
import type { StoreTarget } from '../support/databases.js';
import { alice, createHarness, type Harness } from './harness.js';
import { pino } from 'pino';

/** A vault with its master secret, and the vault service on the same store. */
export interface VaultHarness extends Harness {
  vault: VaultService;
}

export const admin: Principal = { name: 'HOST\\root', localAdministrator: true };
export const user = (name: string, ...groups: string[]): Principal => ({ name, groups });

export async function createVaultHarness(target: StoreTarget, options: { credentialCache?: CredentialCacheOptions } = {}): Promise<VaultHarness> {
  const harness = (await createHarness(target)) as VaultHarness;
  await harness.service.init(alice);
  harness.vault = createVaultService({
    store: harness.store,
    events: createEventEmitter({ sink: harness.store, logger: pino({ level: 'silent' }), now: () => harness.clock.now }),
    seal: keyFileSealSource(harness.sealKeyFile),
    computerName: 'HOST',
    now: () => harness.clock.now,
    changes: harness.changes,
    ...options,
  });
  return harness;
}

/**
 * Another Tessera process (or node) on the same database: its own store connection, change
 * signal and credential cache, the harness's clock. The caller closes it.
 */
export async function openOtherNode(
  harness: VaultHarness,
  options: { credentialCache?: CredentialCacheOptions } = {},
): Promise<{ vault: VaultService; close(): Promise<void> }> {
  const store = await openStore(harness.config);
  const vault = createVaultService({
    store,
    events: createEventEmitter({ sink: store, logger: pino({ level: 'silent' }), now: () => harness.clock.now }),
    seal: keyFileSealSource(harness.sealKeyFile),
    computerName: 'OTHER',
    now: () => harness.clock.now,
    ...options,
  });
  return {
    vault,
    async close() {
      vault.dispose();
      await store.close();
    },
  };
}

export function appInput(name: string, overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  const type = overrides.type ?? 'individual';
  return {
    name,
    type,
    description: `${name} back end`,
    contact: 'ops@example.org',
    userAccounts: ['CORP\\Payroll Users'],
    adminAccounts: ['CORP\\Payroll Admins'],
    windowsAccount: null,
    fields: [
      { ordinal: 0, label: 'User Id', masked: false, sync: false },
      { ordinal: 1, label: 'Password', masked: true, sync: false },
    ],
    // validatePassword off: most tests look up host credentials without presenting the external password.
    flags: {
      ...DEFAULT_FLAGS,
      groupApp: type === 'group',
      configStoreApp: type === 'configStore',
      hostInitiatedSSO: type === 'hostGroup',
      validatePassword: false,
    },
    ticketTimeoutMinutes: null,
    ...overrides,
  };
}
