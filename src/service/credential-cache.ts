/**
 * The credential cache (ENTSSO caches credentials on each SSO server): the answers of successful
 * GetCredentials calls, per (caller, application, account asked for), so that the messages an
 * integration server sends again and again do not each read and decrypt the vault.
 *
 * What an entry holds: the lookup's plan (the application and mapping records it was decided
 * on, and the store's change version they were read at) and, unless the application has
 * disableCredCache, the field values as Buffers, zeroed when the entry goes (eviction, expiry,
 * purge, dispose). Entries expire credCacheTimeoutMinutes after they were filled (injected
 * clock), and there are at most maxEntries (least recently used go first).
 *
 * Why it is never stale for the process that changed something: every change through this
 * process's services empties it before the call returns (ChangeSignal), and an answer being
 * computed while that happened is not stored (epoch). Other processes' changes move the store's
 * change version; a hit older than recheckMs asks for it, and a lookup that must read the
 * store anyway reads it with the credentials, in one statement. See docs/architecture.md.
 */
import type { ApplicationRecord, MappingRecord } from '../store/vault-types.js';
import type { Principal } from './deps.js';

export interface CredentialCacheOptions {
  /**
   * How long (ms) a hit may be served without asking the store whether anything changed: what
   * another process's change may be served stale for. 0 asks on every hit. Default 1000.
   */
  recheckMs?: number;
  /** Default 10,000. */
  maxEntries?: number;
}

export const DEFAULT_RECHECK_MS = 1000;
export const DEFAULT_MAX_ENTRIES = 10_000;

/** Decrypted values, kept only for applications without disableCredCache. */
export interface CachedValues {
  /** Clock time (ms) after which the values are not served. */
  expiresAt: number;
  /** Field labels 1..n, and their values in the same order (owned by the cache). */
  labels: readonly string[];
  fields: Buffer[];
}

export interface CachedLookup {
  app: ApplicationRecord;
  mapping: MappingRecord;
  /** The store's change version the plan (and values) were read at. */
  version: number;
  /** Clock time (ms) the version was last confirmed. */
  checkedAt: number;
  values: CachedValues | undefined;
  /** False once evicted: its Buffers are zeros. */
  live: boolean;
  /** Used since the eviction hand last passed it (CLOCK: a second chance instead of reordering on every hit). */
  used: boolean;
}

/**
 * A key no two different questions share: every input that decides the answer, each preceded
 * by its length, so no name can run into the next.
 */
export function lookupKey(appName: string, principal: Principal, account: string | undefined): string {
  let key = `${appName.length}:${appName}${principal.name.length}:${principal.name}${principal.localAdministrator === true ? 'L' : 'U'}`;
  key += account === undefined ? '-' : `${account.length}:${account}`;
  for (const group of principal.groups ?? []) key += `${group.length}:${group}`;
  return key;
}

export class CredentialCache {
  readonly recheckMs: number;
  readonly maxEntries: number;
  /**
   * Map order is insertion order; eviction (CLOCK, an approximation of least recently used)
   * walks from the oldest, giving a used entry a second chance at the end, so a hit costs one
   * Map read and no reordering.
   */
  readonly #entries = new Map<string, CachedLookup>();
  #epoch = 0;

  constructor(options: CredentialCacheOptions = {}) {
    this.recheckMs = checkedWhole('recheckMs', options.recheckMs ?? DEFAULT_RECHECK_MS, 0);
    this.maxEntries = checkedWhole('maxEntries', options.maxEntries ?? DEFAULT_MAX_ENTRIES, 1);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Moves on every purge: a lookup that started before one must not store what it read. */
  get epoch(): number {
    return this.#epoch;
  }

  get(key: string): CachedLookup | undefined {
    const entry = this.#entries.get(key);
    if (entry) entry.used = true;
    return entry;
  }

  /** Stores an entry read while the epoch was `epoch`; refused (and zeroed) if a purge came since. */
  put(key: string, entry: Omit<CachedLookup, 'live' | 'used'>, epoch: number): void {
    const stored: CachedLookup = { ...entry, live: true, used: false };
    if (epoch !== this.#epoch) {
      zero(stored);
      return;
    }
    this.delete(key);
    while (this.#entries.size >= this.maxEntries) this.#evictOne();
    this.#entries.set(key, stored);
  }

  /** Each pass clears at most size used flags before an unused entry comes up: amortised O(1). */
  #evictOne(): void {
    for (const [key, entry] of this.#entries) {
      if (!entry.used) {
        this.delete(key);
        return;
      }
      entry.used = false;
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    zero(entry);
  }

  /** Drops the values only (expired), keeping the plan. */
  dropValues(entry: CachedLookup): void {
    const values = entry.values;
    entry.values = undefined;
    for (const field of values?.fields ?? []) field.fill(0);
  }

  /** Empties the cache, or only the entries of one application (by id), zeroing every value. */
  purge(applicationId?: string): number {
    this.#epoch++;
    let purged = 0;
    for (const [key, entry] of this.#entries) {
      if (applicationId !== undefined && entry.app.id !== applicationId) continue;
      this.delete(key);
      purged++;
    }
    return purged;
  }
}

function zero(entry: CachedLookup): void {
  entry.live = false;
  for (const field of entry.values?.fields ?? []) field.fill(0);
  entry.values = undefined;
}

function checkedWhole(name: string, value: number, least: number): number {
  if (!Number.isSafeInteger(value) || value < least) throw new RangeError(`credential cache ${name} must be a whole number of at least ${least}, not ${value}`);
  return value;
}
