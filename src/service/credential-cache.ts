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
  /** The data key version the mapping's fields were sealed under then (none without fields). */
  keyVersion: number | undefined;
  /** Clock time (ms) the version was last confirmed. */
  checkedAt: number;
  values: CachedValues | undefined;
  /** False once evicted: its Buffers are zeros. */
  live: boolean;
  /** Used since the eviction hand last passed it (CLOCK: a second chance instead of reordering on every hit). */
  used: boolean;
}

/** What a lookup asks: every input that decides its answer. */
export interface LookupQuestion {
  appName: string;
  principal: Principal;
  account: string | undefined;
}

/** Whether two questions are the same in every input (names as given: case variants are other questions). */
function sameQuestion(a: LookupQuestion, b: LookupQuestion): boolean {
  if (a.account !== b.account || (a.principal.localAdministrator === true) !== (b.principal.localAdministrator === true)) return false;
  const groups = a.principal.groups ?? [];
  const others = b.principal.groups ?? [];
  return groups.length === others.length && groups.every((group, i) => group === others[i]);
}

interface Stored extends CachedLookup {
  question: LookupQuestion;
}

export class CredentialCache {
  readonly recheckMs: number;
  readonly maxEntries: number;
  /**
   * Found by application name, then caller name, then the rest of the question: no key is built
   * or hashed per lookup. The set keeps insertion order for eviction (CLOCK, an approximation of
   * least recently used): it walks from the oldest, giving a used entry a second chance at the
   * end, so a hit costs no reordering.
   */
  readonly #index = new Map<string, Map<string, Stored[]>>();
  readonly #order = new Set<Stored>();
  #epoch = 0;

  constructor(options: CredentialCacheOptions = {}) {
    this.recheckMs = checkedWhole('recheckMs', options.recheckMs ?? DEFAULT_RECHECK_MS, 0);
    this.maxEntries = checkedWhole('maxEntries', options.maxEntries ?? DEFAULT_MAX_ENTRIES, 1);
  }

  get size(): number {
    return this.#order.size;
  }

  /** Moves on every purge: a lookup that started before one must not store what it read. */
  get epoch(): number {
    return this.#epoch;
  }

  get(question: LookupQuestion): CachedLookup | undefined {
    const entry = this.#find(question);
    if (entry) entry.used = true;
    return entry;
  }

  #find(question: LookupQuestion): Stored | undefined {
    const slots = this.#index.get(question.appName)?.get(question.principal.name);
    if (!slots) return undefined;
    for (const slot of slots) if (sameQuestion(slot.question, question)) return slot;
    return undefined;
  }

  /** Stores an entry read while the epoch was `epoch`; refused (and zeroed) if a purge came since. */
  put(question: LookupQuestion, entry: Omit<CachedLookup, 'live' | 'used'>, epoch: number): void {
    // A copy: the caller's principal object may change after this call.
    const { name, groups, localAdministrator } = question.principal;
    const asked = {
      appName: question.appName,
      principal: { name, groups: [...(groups ?? [])], localAdministrator: localAdministrator === true },
      account: question.account,
    };
    const stored: Stored = { ...entry, live: true, used: false, question: asked };
    if (epoch !== this.#epoch) {
      zero(stored);
      return;
    }
    this.delete(question);
    while (this.#order.size >= this.maxEntries) this.#evictOne();
    let byName = this.#index.get(question.appName);
    if (!byName) this.#index.set(question.appName, (byName = new Map<string, Stored[]>()));
    const slots = byName.get(question.principal.name);
    if (slots) slots.push(stored);
    else byName.set(question.principal.name, [stored]);
    this.#order.add(stored);
  }

  /** Each pass clears at most size used flags before an unused entry comes up: amortised O(1). */
  #evictOne(): void {
    for (const entry of this.#order) {
      if (!entry.used) {
        this.#remove(entry);
        return;
      }
      entry.used = false;
      this.#order.delete(entry);
      this.#order.add(entry);
    }
  }

  delete(question: LookupQuestion): void {
    const entry = this.#find(question);
    if (entry) this.#remove(entry);
  }

  /** Removes this entry (one got from get), if it is still stored. */
  evict(entry: CachedLookup): void {
    if (entry.live) this.#remove(entry as Stored);
  }

  #remove(entry: Stored): void {
    this.#order.delete(entry);
    const { appName, principal } = entry.question;
    const byName = this.#index.get(appName);
    const slots = byName?.get(principal.name);
    if (byName && slots) {
      const rest = slots.filter((slot) => slot !== entry);
      if (rest.length > 0) byName.set(principal.name, rest);
      else byName.delete(principal.name);
      if (byName.size === 0) this.#index.delete(appName);
    }
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
    for (const entry of [...this.#order]) {
      if (applicationId !== undefined && entry.app.id !== applicationId) continue;
      this.#remove(entry);
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
