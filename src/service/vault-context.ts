import { randomUUID } from 'node:crypto';
import { type Keyring, disposeKeyring, unsealKeyring } from '../keys/index.js';
import type { Store } from '../store/index.js';
import type { ApplicationRecord, DataKeyRecord, GlobalInfo, VaultStore } from '../store/vault-types.js';
import { type UnwrappedDataKey, requireDataKey, unwrapDataKey } from '../vault/index.js';
import { type Role, authorizeApp } from './authorize.js';
import { type AuditedOperation, audited } from './audited.js';
import type { EventSink, Principal, SealSource } from './deps.js';
import { requireVault } from './vault-keyring.js';

export interface VaultServiceDeps {
  store: Store & VaultStore;
  events: EventSink;
  seal: SealSource;
  computerName: string;
  now(): Date;
}

/**
 * What every vault operation shares: the deps, plus caches of what never changes under a key:
 * an unwrapped data key for (application, version) is the same bytes for ever, and the keyring
 * is reloaded whenever the vault's generation moves.
 */
export class VaultContext {
  readonly #dataKeys = new Map<string, UnwrappedDataKey>();
  #keyring: { generation: number; keyring: Keyring } | undefined;

  constructor(readonly deps: VaultServiceDeps) {}

  get store(): Store & VaultStore {
    return this.deps.store;
  }

  now(): Date {
    return this.deps.now();
  }

  global(): Promise<GlobalInfo> {
    return this.deps.store.getGlobalInfo();
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

  async dataKey(applicationId: string, version?: number): Promise<UnwrappedDataKey> {
    if (version !== undefined) {
      const cached = this.#dataKeys.get(`${applicationId}:${version}`);
      if (cached) return cached;
    }
    return this.#unwrap(requireDataKey(await this.deps.store.getDataKey(applicationId, version), applicationId, version));
  }

  async #unwrap(record: DataKeyRecord): Promise<UnwrappedDataKey> {
    const id = `${record.applicationId}:${record.version}`;
    const cached = this.#dataKeys.get(id);
    if (cached) return cached;
    const key = unwrapDataKey(record, await this.keyring());
    this.#dataKeys.set(id, key);
    return key;
  }

  /** Zeroes every cached key. */
  dispose(): void {
    for (const key of this.#dataKeys.values()) key.key.fill(0);
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
