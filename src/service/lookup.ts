import { timingSafeEqual } from 'node:crypto';
import { fail } from '../errors/index.js';
import type { ApplicationRecord, MappingRecord, SealedField } from '../store/vault-types.js';
import { type UnwrappedDataKey, fieldKeyVersion, openFieldBytes, sameAccount } from '../vault/index.js';
import { authorize, authorizeApp, isAppUser, memberOf } from './authorize.js';
import type { LookupQuestion } from './credential-cache.js';
import type { Principal } from './deps.js';
import { requireSsoEnabled, requireWindowsInitiated } from './global-info.js';
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
  const { store, cache } = context;

  /** The state checks ENTSSO makes before it decrypts (10755, 10764, 10765). */
  function checkUsable(app: ApplicationRecord, mapping: MappingRecord | undefined, who: string): asserts mapping is MappingRecord {
    if (!app.flags.enableApp) throw fail('APP_DISABLED', `${app.name} is disabled: an application administrator must enable it`);
    if (!mapping) throw fail('NO_MAPPING', `${who} has no mapping for ${app.name}: an application administrator can create one`);
    if (!mapping.enabled) throw fail('MAPPING_DISABLED', `the mapping of ${who} for ${app.name} is disabled: enable it, or set its credentials again`);
    if (!mapping.hasCredentials) throw fail('NO_CREDENTIALS', `the mapping of ${who} for ${app.name} has no credentials yet: set them first`);
  }

  /** Decrypts fields 1..n of the application into Buffers the caller owns (a missing field is empty). */
  function openValues(
    app: ApplicationRecord,
    mapping: MappingRecord,
    sealed: readonly SealedField[],
    knownVersion?: number,
  ): { labels: string[]; fields: Buffer[] } | Promise<{ labels: string[]; fields: Buffer[] }> {
    // A plan knows the key version its fields were sealed under (they cannot have changed while
    // the change version stands, and openFieldBytes checks each field's anyway): no header parse.
    const version = knownVersion ?? (sealed[0] ? fieldKeyVersion(sealed[0]) : undefined);
    const unwrapped = version === undefined ? undefined : context.unwrappedDataKey(app.id, version);
    // Without a promise when the data key is unwrapped already, as it is on every lookup but the first.
    if (unwrapped) return openWith(unwrapped, app, mapping, sealed);
    return context.dataKey(app.id, version).then((dataKey) => openWith(dataKey, app, mapping, sealed));
  }

  function openWith(
    dataKey: UnwrappedDataKey,
    app: ApplicationRecord,
    mapping: MappingRecord,
    sealed: readonly SealedField[],
  ): { labels: string[]; fields: Buffer[] } {
    const opened = openFieldBytes(dataKey, { kind: 'credential', mappingId: mapping.id }, sealed);
    const { labels, ordinals } = layoutOf(app);
    const fields = ordinals.map((ordinal) => {
      const plaintext = opened.get(ordinal);
      opened.delete(ordinal);
      return plaintext ?? Buffer.alloc(0);
    });
    // Fields the application no longer defines: opened, never answered.
    for (const plaintext of opened.values()) plaintext.fill(0);
    return { labels, fields };
  }

  function answer(app: ApplicationRecord, mapping: MappingRecord, values: { labels: readonly string[]; fields: readonly Buffer[] }): Credentials {
    return {
      application: app.name,
      account: mapping.account,
      externalUser: mapping.externalUser,
      fields: values.labels.map((label, i) => ({ label, value: values.fields[i]!.toString('utf8') })),
    };
  }

  /** The answer, then the plaintext Buffers zeroed: for values that are not kept. */
  function answerOnce(app: ApplicationRecord, mapping: MappingRecord, values: { labels: string[]; fields: Buffer[] }): Credentials {
    try {
      return answer(app, mapping, values);
    } finally {
      for (const field of values.fields) field.fill(0);
    }
  }

  /** Decrypts a mapping's credentials after the state checks ENTSSO makes (10755, 10764, 10765). */
  async function credentialsOf(app: ApplicationRecord, mapping: MappingRecord | undefined, who: string, preloaded?: SealedField[]): Promise<Credentials> {
    checkUsable(app, mapping, who);
    const sealed = preloaded ?? (await store.getCredentials(mapping.id));
    return answerOnce(app, mapping, await openValues(app, mapping, sealed));
  }

  /** How long values read now may be served: 0 for applications with disableCredCache. */
  function lifetimeMs(app: ApplicationRecord, version: number): number | Promise<number> {
    if (app.flags.disableCredCache) return 0;
    return context.globalAt(version).then((global) => Math.max(0, global.credCacheTimeoutMinutes) * 60_000);
  }

  /**
   * The cached answer when it is still right, else undefined. Values younger than recheckMs are
   * served as they are; older ones once the store's change version is confirmed unchanged. With
   * no values (disableCredCache, or expired), the fields are read with the version in one statement
   * and decrypted; the plan stands if the version did not move.
   */
  async function fromCache(question: LookupQuestion, epoch: number, now: number): Promise<Credentials | undefined> {
    const entry = cache.get(question);
    if (!entry) return undefined;
    if (entry.values && now >= entry.values.expiresAt) cache.dropValues(entry);
    const values = entry.values;
    if (values) {
      // A clock set back does not stretch the window: only a check in [checkedAt, checkedAt + window) is skipped.
      if (now >= entry.checkedAt && now - entry.checkedAt < cache.recheckMs) return answer(entry.app, entry.mapping, values);
      const version = await store.changeVersion();
      // live, and the same values: nothing purged or expired them while the version was read (both zero them).
      if (entry.live && entry.values === values && version === entry.version) {
        entry.checkedAt = now;
        return answer(entry.app, entry.mapping, values);
      }
    } else {
      const { changeVersion, fields } = await store.getVersionedCredentials(entry.mapping.id);
      if (entry.live && changeVersion === entry.version) {
        entry.checkedAt = now;
        const opening = openValues(entry.app, entry.mapping, fields, entry.keyVersion);
        const opened = 'then' in opening ? await opening : opening;
        const pending = lifetimeMs(entry.app, entry.version);
        const lifetime = typeof pending === 'number' ? pending : await pending;
        // Kept only if no purge came while this lookup read (the entry would be gone or replaced).
        if (lifetime === 0 || !entry.live || cache.epoch !== epoch) return answerOnce(entry.app, entry.mapping, opened);
        // Another lookup may have refilled it meanwhile: its values leave the cache zeroed.
        if (entry.values) cache.dropValues(entry);
        entry.values = { ...opened, expiresAt: now + lifetime };
        return answer(entry.app, entry.mapping, opened);
      }
    }
    cache.evict(entry);
    return undefined;
  }

  /** The lookup from the store: authorization, the state checks, the decrypt; kept if it succeeds. */
  async function resolve(question: LookupQuestion, epoch: number, now: number): Promise<Credentials> {
    const { appName, principal, account } = question;
    const other = account !== undefined && !sameAccount(account, principal.name);
    const candidates = other ? [account] : [principal.name, ...(principal.groups ?? [])];
    const found = await store.lookupCredentials(appName, candidates);
    const app = found?.application;
    // The switch as of the version the lookup read, or later: reread only when the version moved.
    const global = found ? await context.globalAt(found.changeVersion) : await context.global();
    requireSsoEnabled(global);
    const role = other ? 'appAdmin' : 'appUser';
    if (!app || other || !isAppUser(principal, app)) authorizeApp(principal, global, app, appName, role, 'look up the credentials of other accounts');
    if (app!.type === 'configStore' || app!.type === 'hostGroup') {
      throw fail(
        'APP_INVALID',
        `${app!.name} is a ${app!.type} application: ${app!.type === 'hostGroup' ? 'look it up by external user (host-initiated)' : 'read its config entries instead'}`,
      );
    }
    requireWindowsInitiated(app!);
    const who = other ? account : principal.name;
    const picked = pickMapping(app!, found!.mappings, who, principal, other);
    checkUsable(app!, picked, who);
    const { fields: sealed, ...mapping } = picked;
    const keyVersion = sealed[0] ? fieldKeyVersion(sealed[0]) : undefined;
    const opened = await openValues(app!, mapping, sealed, keyVersion);
    const version = found!.changeVersion;
    const pending = lifetimeMs(app!, version);
    const lifetime = typeof pending === 'number' ? pending : await pending;
    // The answer first: a put refused because a purge came meanwhile zeroes the values.
    const result = answer(app!, mapping, opened);
    if (lifetime === 0) for (const field of opened.fields) field.fill(0);
    cache.put(
      question,
      { app: app!, mapping, version, keyVersion, checkedAt: now, values: lifetime > 0 ? { ...opened, expiresAt: now + lifetime } : undefined },
      epoch,
    );
    return result;
  }

  return {
    credentialsOf,

    /**
     * The caller's credentials, or (administrators) those of `account`. From the credential
     * cache when it holds a current answer; else one store round trip: the application and the
     * candidate mappings come together, and the global settings are read only when the caller
     * is not simply one of the application's users. Failures are never cached.
     */
    getCredentials(appName: string, principal: Principal, options: { account?: string } = {}): Promise<Credentials> {
      return context.audited({ function: 'GetCredentials', principal, application: appName, change: false }, async () => {
        const question = { appName, principal, account: options.account };
        // Read before the store is: a purge after this point keeps what is read from being stored.
        const epoch = cache.epoch;
        const now = context.now().getTime();
        return (await fromCache(question, epoch, now)) ?? resolve(question, epoch, now);
      });
    },

    /**
     * Empties the credential cache of this process and moves the store's change version, so
     * every other process and node drops its cached credentials within its recheck window
     * (ENTSSO's ssomanage -purgecache). For one application: its administrators; for the
     * whole cache (no application): SSO administrators.
     */
    async purgeCache(appName: string | undefined, principal: Principal): Promise<void> {
      await context.audited({ function: 'PurgeCache', principal, application: appName ?? '', change: true }, async () => {
        if (appName === undefined) authorize(principal, await context.global(), 'ssoAdmin', 'purge the whole credential cache');
        else await context.application(principal, appName, 'appAdmin', 'purge the credential cache');
        await store.bumpChangeVersion();
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
        const { app, global } = await context.application(principal, appName, 'appAdmin', 'make host-initiated lookups');
        requireSsoEnabled(global);
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

/** Labels and ordinals of fields 1..n, worked out once per application record (records are never changed in place). */
const layouts = new WeakMap<ApplicationRecord, { labels: string[]; ordinals: number[] }>();

function layoutOf(app: ApplicationRecord): { labels: string[]; ordinals: number[] } {
  let layout = layouts.get(app);
  if (!layout) {
    const fields = app.fields.slice(1);
    layout = { labels: fields.map((field) => field.label), ordinals: fields.map((field) => field.ordinal) };
    layouts.set(app, layout);
  }
  return layout;
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
