/**
 * The credential cache (service/credential-cache.ts, issue 7): a change made through Tessera is
 * never served stale by the process that made it; another process's change is served stale for
 * at most the recheck window; values expire; disableCredCache and purges are honoured; failures
 * are never cached; cached values are zeroed when they go.
 *
 * Many tests change the vault behind Tessera's back (raw SQL, as another process or an operator
 * would): nothing in this process hears of that change, so what a lookup answers then shows
 * whether it came from the cache (old state) or the store (new state).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialCache, type LookupQuestion } from '../../src/service/credential-cache.js';
import type { ApplicationRecord, MappingRecord } from '../../src/store/index.js';
import { storeTargets } from '../support/databases.js';
import { openRawSql, type RawSql } from '../support/raw-sql.js';
import { alice, backupTo, restoreFrom } from './harness.js';
import { type VaultHarness, admin, appInput, createVaultHarness, openOtherNode, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const payrollAdmin = user('CORP\\dana', 'CORP\\Payroll Admins');
const ssoAdmin = user('CORP\\sam', 'CORP\\SSO Admins');
const stranger = user('CORP\\eve', 'CORP\\Marketing');

const answer = (password: string) => ({
  application: 'Payroll',
  account: 'CORP\\bob',
  externalUser: 'bob-ext',
  fields: [{ label: 'Password', value: password }],
});

describe.each(storeTargets)('the credential cache on $name', (target) => {
  let h: VaultHarness;
  let raw: RawSql;

  async function start(options: Parameters<typeof createVaultHarness>[1] = {}) {
    h = await createVaultHarness(target, options);
    raw = await openRawSql(h.config);
  }

  afterEach(async () => {
    await raw.close();
    h.vault.dispose();
    await h.close();
  });

  /** An enabled individual application with bob mapped to `bob-ext` / `s3cret`. */
  async function payroll(overrides = {}) {
    await h.vault.applications.create(appInput('Payroll', overrides), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
  }

  /** Disables bob's mapping past Tessera: only the store's change version tells anyone. */
  const disableBehindTheBack = () => raw.run("update mappings set enabled = 0 where account = 'CORP\\bob'");
  const later = (ms: number) => {
    h.clock.now = new Date(h.clock.now.getTime() + ms);
  };
  const lookup = (principal = bob, options: { account?: string } = {}) => h.vault.lookup.getCredentials('Payroll', principal, options);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    );

  describe('with the default one-second recheck window', () => {
    beforeEach(() => start());

    it('serves a hit from memory within the window, and sees a change behind its back once the window has passed', async () => {
      await payroll();
      expect(await lookup()).toEqual(answer('s3cret'));
      await disableBehindTheBack();
      later(999);
      expect(await lookup()).toEqual(answer('s3cret'));
      later(1);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('checks the change version when the clock was set back, rather than trusting the window', async () => {
      await payroll();
      await lookup();
      await disableBehindTheBack();
      later(-1);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('keeps a hit served after the window while the change version stays put', async () => {
      await payroll();
      await lookup();
      later(60_000 - 1);
      expect(await lookup()).toEqual(answer('s3cret'));
    });

    it('emits no event for a successful lookup, hit or not, and the same failure events as without a cache', async () => {
      await payroll();
      const before = (await h.store.listEvents()).length;
      await lookup();
      await lookup();
      expect((await h.store.listEvents()).length).toBe(before);
      await h.vault.mappings.setEnabled('Payroll', 'CORP\\bob', false, admin);
      const failing = (await h.store.listEvents()).length;
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      expect((await h.store.listEvents()).slice(failing).map((event) => event.id)).toEqual([10764, 10764]);
    });

    it('never caches a failure: fixed behind its back, the next lookup succeeds at once', async () => {
      await payroll();
      await h.vault.mappings.setEnabled('Payroll', 'CORP\\bob', false, admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await raw.run("update mappings set enabled = 1 where account = 'CORP\\bob'");
      expect(await lookup()).toEqual(answer('s3cret'));
    });

    it('serves new credentials at once after they are set through the service', async () => {
      await payroll();
      await lookup();
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['n3w'], admin);
      expect(await lookup()).toEqual(answer('n3w'));
    });

    it('fails at once once the mapping is disabled or deleted through the service', async () => {
      await payroll();
      await lookup();
      await h.vault.mappings.setEnabled('Payroll', 'CORP\\bob', false, admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
      await lookup();
      await h.vault.mappings.delete('Payroll', 'CORP\\bob', admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'NO_MAPPING' });
    });

    it('fails at once once the application is disabled, loses the caller from its users, or is deleted', async () => {
      await payroll();
      await lookup();
      await h.vault.applications.setEnabled('Payroll', false, admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'APP_DISABLED' });
      await h.vault.applications.setEnabled('Payroll', true, admin);
      await lookup();
      await h.vault.applications.update('Payroll', { userAccounts: ['CORP\\Others'] }, admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'NO_APP' });
      await h.vault.applications.update('Payroll', { userAccounts: ['CORP\\Payroll Users'] }, admin);
      await lookup();
      await h.vault.applications.delete('Payroll', admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'NO_APP' });
    });

    it('fails at once for an SSO administrator dropped from the global settings', async () => {
      await payroll();
      await h.vault.global.update({ ssoAdminAccounts: ['CORP\\SSO Admins'] }, admin);
      expect(await lookup(ssoAdmin, { account: 'CORP\\bob' })).toEqual(answer('s3cret'));
      // The SSO administrators change only while SSO is disabled (ENTSSO 10570).
      await h.vault.global.update({ ssoEnabled: false }, admin);
      await h.vault.global.update({ ssoAdminAccounts: [] }, admin);
      await h.vault.global.update({ ssoEnabled: true }, admin);
      await expect(lookup(ssoAdmin, { account: 'CORP\\bob' })).rejects.toMatchObject({ code: 'NO_APP' });
    });

    it('keys answers by the whole caller: groups, local administrator and the account asked for', async () => {
      await payroll();
      await h.vault.mappings.create('Payroll', 'CORP\\carol', 'carol-ext', admin);
      await h.vault.mappings.setCredentials('Payroll', 'CORP\\carol', ['c4rol'], admin);
      await lookup();
      await expect(lookup(user('CORP\\bob'))).rejects.toMatchObject({ code: 'NO_APP' });
      expect((await lookup(admin, { account: 'CORP\\bob' })).externalUser).toBe('bob-ext');
      expect((await lookup(admin, { account: 'CORP\\carol' })).externalUser).toBe('carol-ext');
      await expect(lookup({ name: 'HOST\\root' }, { account: 'CORP\\bob' })).rejects.toMatchObject({ code: 'NO_APP' });
    });

    it('empties when the secret service of the same process generates or restores the master secret', async () => {
      await payroll();
      const first = join(h.dir, 'first.bak');
      await h.service.backup(backupTo(first), alice);
      await lookup();
      await disableBehindTheBack();
      await h.service.generate(backupTo(join(h.dir, 'second.bak')), alice);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });

      await raw.run("update mappings set enabled = 1 where account = 'CORP\\bob'");
      expect(await lookup()).toEqual(answer('s3cret'));
      await disableBehindTheBack();
      await h.service.restore(restoreFrom(first, { force: true }), alice);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('never caches the values of an application with disableCredCache: a change behind its back shows at once', async () => {
      await payroll({ flags: { ...appInput('x').flags, disableCredCache: true } });
      expect(await lookup()).toEqual(answer('s3cret'));
      await disableBehindTheBack();
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('stops caching once disableCredCache is set, and starts again once it is cleared', async () => {
      await payroll();
      await h.vault.applications.update('Payroll', { flags: { disableCredCache: true } }, admin);
      await lookup();
      await disableBehindTheBack();
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
      await raw.run("update mappings set enabled = 1 where account = 'CORP\\bob'");
      await h.vault.applications.update('Payroll', { flags: { disableCredCache: false } }, admin);
      await lookup();
      await disableBehindTheBack();
      expect(await lookup()).toEqual(answer('s3cret'));
    });

    it('is purged by an application administrator, at once for this process', async () => {
      await payroll();
      await lookup();
      await disableBehindTheBack();
      expect(await lookup()).toEqual(answer('s3cret'));
      await h.vault.lookup.purgeCache('Payroll', payrollAdmin);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('moves the change version on a purge, so a process whose cache saw nothing else change drops its entries', async () => {
      await payroll();
      const other = await openOtherNode(h);
      try {
        await other.vault.lookup.getCredentials('Payroll', bob);
        const before = await h.store.changeVersion();
        await h.vault.lookup.purgeCache('Payroll', payrollAdmin);
        expect(await h.store.changeVersion()).toBeGreaterThan(before);
      } finally {
        await other.close();
      }
    });

    it('lets only application administrators purge an application, and only SSO administrators purge everything', async () => {
      await payroll();
      expect(await codeOf(h.vault.lookup.purgeCache('Payroll', bob))).toBe('ACCESS_DENIED');
      await expect(h.vault.lookup.purgeCache('Payroll', bob)).rejects.toThrow(
        'CORP\\bob may not purge the credential cache of Payroll: that needs membership of the application administrators. Ask an SSO administrator',
      );
      expect(await codeOf(h.vault.lookup.purgeCache('Payroll', stranger))).toBe('NO_APP');
      expect(await codeOf(h.vault.lookup.purgeCache(undefined, payrollAdmin))).toBe('ACCESS_DENIED');
      await expect(h.vault.lookup.purgeCache(undefined, payrollAdmin)).rejects.toThrow(
        'CORP\\dana may not purge the whole credential cache: that needs membership of SSO Administrators. Ask an SSO administrator',
      );
      await lookup();
      await disableBehindTheBack();
      await h.vault.lookup.purgeCache(undefined, admin);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });

    it('sees a change made by another process after the window, and at once on a node that checks every hit', async () => {
      await payroll();
      const other = await openOtherNode(h);
      const strict = await openOtherNode(h, { credentialCache: { recheckMs: 0 } });
      try {
        expect(await other.vault.lookup.getCredentials('Payroll', bob)).toEqual(answer('s3cret'));
        expect(await strict.vault.lookup.getCredentials('Payroll', bob)).toEqual(answer('s3cret'));
        await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['n3w'], admin);
        expect(await strict.vault.lookup.getCredentials('Payroll', bob)).toEqual(answer('n3w'));
        expect(await other.vault.lookup.getCredentials('Payroll', bob)).toEqual(answer('s3cret'));
        later(1000);
        expect(await other.vault.lookup.getCredentials('Payroll', bob)).toEqual(answer('n3w'));
      } finally {
        await strict.close();
        await other.close();
      }
    });
  });

  describe('with a recheck window longer than the cache timeout', () => {
    beforeEach(() => start({ credentialCache: { recheckMs: 3_600_000 } }));

    it('drops values credCacheTimeoutMinutes after they were read, and reads the store again', async () => {
      await payroll();
      await h.vault.global.update({ credCacheTimeoutMinutes: 2 }, admin);
      await lookup();
      await disableBehindTheBack();
      later(2 * 60_000 - 1);
      expect(await lookup()).toEqual(answer('s3cret'));
      later(1);
      await expect(lookup()).rejects.toMatchObject({ code: 'MAPPING_DISABLED' });
    });
  });
});

describe('CredentialCache', () => {
  const app = { id: 'app-1', name: 'Payroll' } as ApplicationRecord;
  const mapping = { id: 'map-1', account: 'CORP\\bob', externalUser: 'bob-ext' } as MappingRecord;
  const values = (text: string) => ({ expiresAt: 1000, labels: ['Password'], fields: [Buffer.from(text)] });
  const entry = (text: string, of = app) => ({ app: of, mapping, version: 1, keyVersion: 1, checkedAt: 0, values: values(text) });
  const zeros = (buffer: Buffer) => buffer.every((byte) => byte === 0);
  const q = (name: string): LookupQuestion => ({ appName: 'Payroll', principal: { name }, account: undefined });

  it('zeroes the values of an entry when it is replaced, deleted, expired or purged', () => {
    const cache = new CredentialCache();
    const first = entry('one');
    cache.put(q('a'), first, cache.epoch);
    const replacing = entry('two');
    cache.put(q('a'), replacing, cache.epoch);
    expect(zeros(first.values.fields[0]!)).toBe(true);
    expect(cache.get(q('a'))!.values!.fields[0]!.toString()).toBe('two');
    cache.delete(q('a'));
    expect(zeros(replacing.values.fields[0]!)).toBe(true);

    const expiring = entry('three');
    cache.put(q('b'), expiring, cache.epoch);
    cache.dropValues(cache.get(q('b'))!);
    expect(zeros(expiring.values.fields[0]!)).toBe(true);
    expect(cache.get(q('b'))!.values).toBeUndefined();

    const purged = entry('four');
    cache.put(q('c'), purged, cache.epoch);
    expect(cache.purge()).toBe(2);
    expect(zeros(purged.values.fields[0]!)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('purges one application only when asked to', () => {
    const cache = new CredentialCache();
    const kept = entry('kept');
    const gone = entry('gone', { id: 'app-2', name: 'Other' } as ApplicationRecord);
    cache.put(q('a'), kept, cache.epoch);
    cache.put(q('b'), gone, cache.epoch);
    expect(cache.purge('app-2')).toBe(1);
    expect(zeros(gone.values.fields[0]!)).toBe(true);
    expect(cache.get(q('a'))!.values!.fields[0]!.toString()).toBe('kept');
  });

  it('refuses, and zeroes, what a lookup read before a purge', () => {
    const cache = new CredentialCache();
    const epoch = cache.epoch;
    cache.purge();
    const stale = entry('stale');
    cache.put(q('a'), stale, epoch);
    expect(cache.get(q('a'))).toBeUndefined();
    expect(zeros(stale.values.fields[0]!)).toBe(true);
  });

  it('holds at most maxEntries, evicting (and zeroing) one not used since the last pass', () => {
    const cache = new CredentialCache({ maxEntries: 2 });
    const a = entry('a');
    const b = entry('b');
    cache.put(q('a'), a, cache.epoch);
    cache.put(q('b'), b, cache.epoch);
    cache.get(q('a'));
    cache.put(q('c'), entry('c'), cache.epoch);
    expect(cache.size).toBe(2);
    expect(cache.get(q('b'))).toBeUndefined();
    expect(zeros(b.values.fields[0]!)).toBe(true);
    expect(cache.get(q('a'))!.values!.fields[0]!.toString()).toBe('a');
    expect(cache.get(q('c'))).toBeDefined();
  });

  it('refuses settings that are not whole numbers', () => {
    expect(() => new CredentialCache({ recheckMs: -1 })).toThrow('credential cache recheckMs must be a whole number of at least 0, not -1');
    expect(() => new CredentialCache({ maxEntries: 0 })).toThrow('credential cache maxEntries must be a whole number of at least 1, not 0');
  });

  it('answers only the very question it was asked: application, caller, groups, local administrator, account', () => {
    const cache = new CredentialCache();
    const asked: LookupQuestion = { appName: 'Payroll', principal: { name: 'CORP\\bob', groups: ['G1', 'G2'] }, account: undefined };
    cache.put(asked, entry('x'), cache.epoch);
    const others: LookupQuestion[] = [
      { ...asked, appName: 'PAYROLL' },
      { ...asked, principal: { name: 'CORP\\BOB', groups: ['G1', 'G2'] } },
      { ...asked, principal: { name: 'CORP\\bob', groups: ['G1'] } },
      { ...asked, principal: { name: 'CORP\\bob', groups: ['G2', 'G1'] } },
      { ...asked, principal: { name: 'CORP\\bob', groups: ['G1', 'G2'], localAdministrator: true } },
      { ...asked, account: 'CORP\\bob' },
    ];
    for (const other of others) expect(cache.get(other), JSON.stringify(other)).toBeUndefined();
    expect(
      cache.get({ appName: 'Payroll', principal: { name: 'CORP\\bob', groups: ['G1', 'G2'], localAdministrator: false }, account: undefined }),
    ).toBeDefined();
  });

  it('keeps its own copy of the question: a caller changing its principal afterwards changes nothing', () => {
    const cache = new CredentialCache();
    const groups = ['G1'];
    cache.put({ appName: 'Payroll', principal: { name: 'CORP\\bob', groups }, account: undefined }, entry('x'), cache.epoch);
    groups.push('G2');
    expect(cache.get({ appName: 'Payroll', principal: { name: 'CORP\\bob', groups: ['G1', 'G2'] }, account: undefined })).toBeUndefined();
    expect(cache.get({ appName: 'Payroll', principal: { name: 'CORP\\bob', groups: ['G1'] }, account: undefined })).toBeDefined();
  });
});
