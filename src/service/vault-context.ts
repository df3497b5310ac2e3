import { randomUUID } from 'node:crypto';
import { type Keyring, disposeKeyring, unsealKeyring } from '../keys/index.js';
import type { Store } from '../store/index.js';
import type { ApplicationRecord, DataKeyRecord, GlobalInfo, VaultStore } from '../store/vault-types.js';
import { type UnwrappedDataKey, requireDataKey, unwrapDataKey } from '../vault/index.js';
import { type Role, authorizeApp } from './authorize.js';
import { type AuditedOperation, audited } from './audited.js';
import { type ChangeSignal, createChangeSignal, notifying } from './change-signal.js';
import { CredentialCache, type CredentialCacheOptions } from './credential-cache.js';
import type { EventSink, Principal, SealSource } from './deps.js';
import { requireVault } from './vault-keyring.js';

export interface VaultServiceDeps {
  store: Store & VaultStore;
  events: EventSink;
  seal: SealSource;
  computerName: string;
  now(): Date;
  /**
   * Shared with the secret service of the same process (createChangeSignal), so a generate or
   * restore empties this service's credential cache; one of its own when absent.
   */
  changes?: ChangeSignal;
  credentialCache?: CredentialCacheOptions;
}

/**
 * What every vault operation shares: the deps, plus caches of what never changes under a key:
 * an unwrapped data key for (application, version) is the same bytes for ever, and the keyring
 * is reloaded whenever the vault's generation moves. And the credential cache, which every
 * change operation (audited with change: true) empties before it returns.
 */
export class VaultContext {
  /** By application id, then version. */
  readonly #dataKeys = new Map<string, Map<number, UnwrappedDataKey>>();
  #keyring: { generation: number; keyring: Keyring } | undefined;
  #global: { version: number; global: GlobalInfo } | undefined;
  readonly cache: CredentialCache;
  readonly #changes: ChangeSignal;
  readonly #unsubscribe: () => void;

  constructor(readonly deps: VaultServiceDeps) {
    this.cache = new CredentialCache(deps.credentialCache);
    this.#changes = deps.changes ?? createChangeSignal();
    this.#unsubscribe = this.#changes.subscribe(() => {
      this.cache.purge();
      this.#global = undefined;
    });
    this.store = notifyingStore(deps.store, this.#changes);
  }

  /** The store, whose writes empty this process's caches once they settle (see notifyingStore). */
  readonly store: Store & VaultStore;

  now(): Date {
    return this.deps.now();
  }

  global(): Promise<GlobalInfo> {
    return this.deps.store.getGlobalInfo();
  }

  /**
   * The global settings as of change version `version` (or later): reread only when the version
   * moved, so lookups do not read them each time they fill the credential cache.
   */
  async globalAt(version: number): Promise<GlobalInfo> {
    if (this.#global?.version === version) return this.#global.global;
    const global = await this.deps.store.getGlobalInfo();
    this.#global = { version, global };
    return global;
  }

  /** The application if `principal` holds `role` on it; NO_APP when it may not see it. */
  async application(principal: Principal, name: string, role: Role, action: string): Promise<{ app: ApplicationRecord; global: GlobalInfo }> {
    const [global, app] = await Promise.all([this.global(), this.deps.store.getApplication(name)]);
    return { app: authorizeApp(principal, global, app, name, role, action), global };
  }

  /** The unsealed keyring, reloaded when another writer (or node) changed it. */
  async keyring(): Promise<Keyring> {
    const vault = await requireVault(this.deps);
    if (this.#keyring?.generation === vault.generation) return this.#keyring.keyring;
    const seal = this.deps.seal.open();
    try {
      const keyring = unsealKeyring(seal, vault.sealedKeyring, vault.vaultId);
      disposeKeyring(this.#keyring?.keyring);
      this.#keyring = { generation: vault.generation, keyring };
      return keyring;
    } finally {
      seal.dispose();
    }
  }

  /** A data key already unwrapped, without a promise: the lookup hot path. */
  unwrappedDataKey(applicationId: string, version: number): UnwrappedDataKey | undefined {
    return this.#dataKeys.get(applicationId)?.get(version);
  }

  async dataKey(applicationId: string, version?: number): Promise<UnwrappedDataKey> {
    if (version !== undefined) {
      const cached = this.#dataKeys.get(applicationId)?.get(version);
      if (cached) return cached;
    }
    return this.#unwrap(requireDataKey(await this.deps.store.getDataKey(applicationId, version), applicationId, version));
  }

  async #unwrap(record: DataKeyRecord): Promise<UnwrappedDataKey> {
    const cached = this.#dataKeys.get(record.applicationId)?.get(record.version);
    if (cached) return cached;
    const key = unwrapDataKey(record, await this.keyring());
    const versions = this.#dataKeys.get(record.applicationId) ?? new Map<number, UnwrappedDataKey>();
    versions.set(record.version, key);
    this.#dataKeys.set(record.applicationId, versions);
    return key;
  }

  /** Zeroes every cached key and credential. */
  dispose(): void {
    this.#unsubscribe();
    this.cache.purge();
    for (const versions of this.#dataKeys.values()) for (const key of versions.values()) key.key.fill(0);
    this.#dataKeys.clear();
    disposeKeyring(this.#keyring?.keyring);
    this.#keyring = undefined;
  }

  /** Runs one operation and emits its events (audited.ts). */
  audited<T>(operation: AuditedOperation, run: (trackingId: string) => Promise<T>): Promise<T> {
    return audited(this.deps, operation, run);
  }
}

export const newId = randomUUID;

/**
 * Every store write that can change what a lookup answers. Tickets, events and backups cannot,
 * and are not here: a redeemed ticket must not empty the credential cache.
 */
const LOOKUP_WRITES: ReadonlySet<keyof (Store & VaultStore)> = new Set<keyof (Store & VaultStore)>([
  'createVault',
  'updateKeyring',
  'rotateKeyring',
  'updateGlobalInfo',
  'createApplication',
  'updateApplication',
  'deleteApplication',
  'createMapping',
  'setMappingEnabled',
  'deleteMapping',
  'setCredentials',
  'setConfig',
  'deleteConfig',
  'bumpChangeVersion',
]);

/**
 * The store as the vault service sees it: each write in LOOKUP_WRITES tells `changes` once it
 * has settled (committed or failed), before its caller goes on. So no operation can forget to
 * empty the credential cache: a write that does not go through here does not go through the
 * vault service at all.
 */
function notifyingStore(store: Store & VaultStore, changes: ChangeSignal): Store & VaultStore {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = methods.get(property);
      if (method === undefined) {
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        method = LOOKUP_WRITES.has(property as keyof (Store & VaultStore)) ? (...args: unknown[]) => notifying({ changes }, async () => bound(...args)) : bound;
        methods.set(property, method);
      }
      return method;
    },
  });
}
