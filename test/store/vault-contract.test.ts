/** The VaultStore contract (vault-types.ts), run against every backend in storeTargets. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/tessera-error.js';
import { openStore, type ApplicationRecord, type DataKeyRecord, type KeyringRotation, type MappingRecord, type Store } from '../../src/store/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { ALL_FLAGS_OFF, sampleApplication, sampleDataKey, sampleMapping, sampleUpdate, sampleVault, sealed } from './fixtures.js';

function expectCode(code: string): (error: unknown) => boolean {
  return (error) => isTesseraError(error, code);
}

/** Of settled promises, how many won, and the codes the losers failed with. */
function outcome(results: PromiseSettledResult<unknown>[]): { won: number; codes: string[] } {
  const codes = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (isTesseraError(r.reason) ? r.reason.code : String(r.reason)));
  return { won: results.filter((r) => r.status === 'fulfilled').length, codes };
}

describe.each(storeTargets)('vault store contract: $name', (target) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await target.create();
    store = await openStore(database.config);
  });

  afterEach(async () => {
    await store.close();
    await database.cleanup();
  });

  /** Creates an application (with its first data key) from sampleApplication. */
  async function app(name: string, overrides: Parameters<typeof sampleApplication>[1] = {}): Promise<ApplicationRecord> {
    const input = sampleApplication(name, overrides);
    return store.createApplication(input, sampleDataKey(input.id));
  }

  describe('global info', () => {
    it('starts with the defaults', async () => {
      expect(await store.getGlobalInfo()).toEqual({
        ssoAdminAccounts: [],
        affiliateAdminAccounts: [],
        ticketsAllowed: false,
        ticketsValidate: false,
        ticketTimeoutMinutes: 2,
        credCacheTimeoutMinutes: 60,
        secretServer: '',
        auditDeletedApps: 1000,
        auditDeletedMappings: 1000,
        auditCredentialLookups: 1000,
        ssoEnabled: true,
        auditPositive: 0,
        auditNegative: 1,
      });
    });

    it('round-trips every field and patches only what it is given', async () => {
      const all = {
        ssoAdminAccounts: ['CONTOSO\\SSO Admins', 'CONTOSO\\Zoë'],
        affiliateAdminAccounts: ['CONTOSO\\Affiliates'],
        ticketsAllowed: true,
        ticketsValidate: true,
        ticketTimeoutMinutes: 525_600,
        credCacheTimeoutMinutes: 5,
        secretServer: 'sso01.contoso.example',
        auditDeletedApps: 1,
        auditDeletedMappings: 2,
        auditCredentialLookups: 3,
        ssoEnabled: false,
        auditPositive: 3,
        auditNegative: 2,
      };
      expect(await store.updateGlobalInfo(all)).toEqual(all);
      expect(await store.getGlobalInfo()).toEqual(all);

      const patched = await store.updateGlobalInfo({ ticketsAllowed: false, secretServer: 'sso02' });
      expect(patched).toEqual({ ...all, ticketsAllowed: false, secretServer: 'sso02' });
      expect(await store.updateGlobalInfo({})).toEqual(patched);
      expect(typeof patched.ticketsValidate).toBe('boolean');
    });
  });

  describe('applications', () => {
    it('round-trips every field, found by name in any case and by id', async () => {
      const input = sampleApplication('Payroll', {
        type: 'hostGroup',
        windowsAccount: 'CONTOSO\\svc-mainframe',
        fields: [
          { ordinal: 0, label: 'User Id', masked: false, sync: false },
          { ordinal: 1, label: 'Passwörd "1"', masked: true, sync: true },
          { ordinal: 2, label: 'PIN', masked: true, sync: false },
        ],
        flags: { ...ALL_FLAGS_OFF, hostInitiatedSSO: true, allowTickets: true, disableCredCache: true },
        ticketTimeoutMinutes: 30,
        adminAccounts: [],
      });
      const created = await store.createApplication(input, sampleDataKey(input.id));
      const expected: ApplicationRecord = { ...input, updatedAt: input.createdAt, version: 1 };
      expect(created).toEqual(expected);
      expect(await store.getApplication('Payroll')).toEqual(expected);
      expect(await store.getApplication('pAYROLL')).toEqual(expected);
      expect(await store.getApplicationById(input.id)).toEqual(expected);
      expect(await store.getApplication('Payroll2')).toBeUndefined();
      expect(await store.getApplicationById('nope')).toBeUndefined();
    });

    it('lists applications by name, ignoring case', async () => {
      await app('charlie');
      await app('Alpha');
      await app('bravo');
      expect((await store.listApplications()).map((a) => a.name)).toEqual(['Alpha', 'bravo', 'charlie']);
    });

    it('refuses a name taken in another case, and keeps no data key of the loser', async () => {
      await app('Payroll');
      const second = sampleApplication('PAYROLL', { id: 'app-other' });
      const attempt = store.createApplication(second, sampleDataKey(second.id));
      await expect(attempt).rejects.toSatisfy(expectCode('APP_EXISTS'));
      await expect(attempt).rejects.toMatchObject({ status: 409, eventId: 10752, message: expect.stringContaining('Payroll') as string });
      expect(await store.getApplicationById('app-other')).toBeUndefined();
      expect(await store.getDataKey('app-other')).toBeUndefined();
      expect(await store.listApplications()).toHaveLength(1);
    });

    it('lets exactly one of concurrent creators of one name (in any case) win', async () => {
      const names = ['Billing', 'BILLING', 'billing', 'BiLLiNG', 'billinG'];
      const results = await Promise.allSettled(
        names.map((name, n) => {
          const input = sampleApplication(name, { id: `app-${n}` });
          return store.createApplication(input, sampleDataKey(input.id));
        }),
      );
      expect(outcome(results)).toEqual({ won: 1, codes: ['APP_EXISTS', 'APP_EXISTS', 'APP_EXISTS', 'APP_EXISTS'] });
      expect(await store.listDataKeys()).toHaveLength(1);
    });

    it('updates with a compare-and-swap on version', async () => {
      const created = await app('Payroll');
      const update = {
        description: 'new',
        contact: '',
        userAccounts: ['CONTOSO\\New Users'],
        adminAccounts: ['CONTOSO\\A', 'CONTOSO\\B'],
        windowsAccount: 'CONTOSO\\svc',
        fields: [{ ordinal: 0, label: 'Id', masked: false, sync: false }],
        flags: { ...created.flags, enableApp: false, allowTickets: true },
        ticketTimeoutMinutes: 10,
        updatedAt: '2024-06-01T00:00:00.000Z',
      };
      const updated = await store.updateApplication(created.id, 1, update);
      expect(updated).toEqual({ ...created, ...update, version: 2 });
      expect(await store.getApplication('payroll')).toEqual(updated);

      // A partial update leaves the rest; null clears the ticket lifetime.
      const again = await store.updateApplication(created.id, 2, { ticketTimeoutMinutes: null, updatedAt: '2024-06-02T00:00:00.000Z' });
      expect(again).toEqual({ ...updated, ticketTimeoutMinutes: null, updatedAt: '2024-06-02T00:00:00.000Z', version: 3 });
    });

    it('never changes name or type through an update', async () => {
      const created = await app('Payroll');
      const sneaky = { name: 'Other', type: 'group', updatedAt: created.createdAt } as unknown as { updatedAt: string };
      const updated = await store.updateApplication(created.id, 1, sneaky);
      expect(updated).toMatchObject({ name: 'Payroll', type: 'individual', version: 2 });
    });

    it('refuses a stale version (APP_CHANGED) and a deleted application (NO_APP), changing nothing', async () => {
      const created = await app('Payroll');
      const current = await store.updateApplication(created.id, 1, { description: 'v2', updatedAt: created.createdAt });
      const stale = store.updateApplication(created.id, 1, { description: 'lost', updatedAt: created.createdAt });
      await expect(stale).rejects.toSatisfy(expectCode('APP_CHANGED'));
      await expect(stale).rejects.toMatchObject({ status: 409 });
      expect(await store.getApplicationById(created.id)).toEqual(current);

      await store.deleteApplication(created.id);
      const gone = store.updateApplication(created.id, 2, { description: 'x', updatedAt: created.createdAt });
      await expect(gone).rejects.toSatisfy(expectCode('NO_APP'));
      await expect(gone).rejects.toMatchObject({ status: 404, eventId: 10756 });
    });

    it('lets exactly one of concurrent updaters of one version win', async () => {
      const created = await app('Payroll');
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((n) => store.updateApplication(created.id, 1, { description: `writer ${n}`, updatedAt: created.createdAt })),
      );
      expect(outcome(results)).toEqual({ won: 1, codes: ['APP_CHANGED', 'APP_CHANGED', 'APP_CHANGED'] });
      const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<ApplicationRecord>).value;
      expect(await store.getApplicationById(created.id)).toEqual(winner);
      expect(winner.version).toBe(2);
    });

    it('deletes an application with its data keys, mappings, credentials and config entries', async () => {
      const payroll = await app('Payroll');
      const billing = await app('Billing');
      const mapping = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
      await store.setCredentials(mapping.id, [sealed(1, 'pw')], '2024-05-03T00:00:00.000Z');
      await store.setConfig(payroll.id, 'endpoint', [sealed(1, 'url')], '2024-05-03T00:00:00.000Z');
      const kept = await store.createMapping(sampleMapping(billing.id, 'CONTOSO\\bob', 'bob-ext'));
      await store.setCredentials(kept.id, [sealed(1, 'kept')], '2024-05-03T00:00:00.000Z');

      expect(await store.deleteApplication(payroll.id)).toBe(true);
      expect(await store.deleteApplication(payroll.id)).toBe(false);
      expect(await store.getApplication('Payroll')).toBeUndefined();
      expect(await store.getDataKey(payroll.id)).toBeUndefined();
      expect(await store.listMappings({ applicationId: payroll.id })).toEqual([]);
      expect(await store.getCredentials(mapping.id)).toEqual([]);
      expect(await store.getConfig(payroll.id, 'endpoint')).toBeUndefined();

      // The other application keeps everything, and the name is free again.
      expect(await store.listDataKeys()).toEqual([sampleDataKey(billing.id)]);
      expect(await store.getCredentials(kept.id)).toEqual([sealed(1, 'kept')]);
      await app('PAYROLL', { id: 'app-payroll-2' });
    });
  });

  describe('data keys', () => {
    it('stores the first key with its application, bytes intact', async () => {
      const payroll = await app('Payroll');
      const expected = sampleDataKey(payroll.id);
      const newest = await store.getDataKey(payroll.id);
      expect(newest).toEqual(expected);
      expect(Buffer.isBuffer(newest?.wrapped)).toBe(true);
      expect(await store.getDataKey(payroll.id, 1)).toEqual(expected);
      expect(await store.getDataKey(payroll.id, 2)).toBeUndefined();
      expect(await store.getDataKey('nope')).toBeUndefined();
    });

    it('refuses a first key that belongs to another application', async () => {
      const input = sampleApplication('Payroll');
      await expect(store.createApplication(input, sampleDataKey('other'))).rejects.toSatisfy(expectCode('INVALID_QUERY'));
      expect(await store.listApplications()).toEqual([]);
    });

    it("lists every application's keys", async () => {
      const a = await app('A');
      const b = await app('B');
      expect(await store.listDataKeys()).toEqual([sampleDataKey(a.id), sampleDataKey(b.id)]);
    });
  });

  describe('rotateKeyring', () => {
    const rewrap = (applicationId: string) => sampleDataKey(applicationId, { msid: 'msid-2', wrapped: Buffer.from(`rewrapped ${applicationId}`) });
    /** A rotation to `update` that re-wraps every key it is handed under update.currentMsid. */
    const rotation =
      (update: ReturnType<typeof sampleUpdate>, seen: string[][] = []) =>
      (keys: DataKeyRecord[]): KeyringRotation => {
        seen.push(keys.map((key) => `${key.applicationId}:${key.msid}`));
        return {
          keyring: update,
          msids: [update.currentMsid, update.previousMsid!],
          rewrapped: keys.map((key) => sampleDataKey(key.applicationId, { msid: update.currentMsid, wrapped: Buffer.from(`rewrapped ${key.applicationId}`) })),
        };
      };

    it('swaps the keyring and re-wraps every data key in one step, handing over every key there is', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const b = await app('B');
      const update = sampleUpdate(1);
      const seen: string[][] = [];
      const vault = await store.rotateKeyring(1, rotation(update, seen));
      expect(seen).toEqual([[`${a.id}:msid-1`, `${b.id}:msid-1`]]);
      expect(vault).toEqual({ ...sampleVault(), ...update, generation: 2 });
      expect(await store.getVault()).toEqual(vault);
      // createdAt is the key's, not the wrapping's: it stays.
      expect(await store.listDataKeys()).toEqual([rewrap(a.id), rewrap(b.id)]);
    });

    it('ignores a re-wrapped key whose application is gone', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const update = sampleUpdate(1);
      await store.rotateKeyring(1, (keys) => ({ ...rotation(update)(keys), rewrapped: [rewrap(a.id), rewrap('deleted-meanwhile')] }));
      expect(await store.listDataKeys()).toEqual([rewrap(a.id)]);
    });

    it('changes nothing, data keys included, on a stale generation, and never calls rotate', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const current = await store.updateKeyring(1, sampleUpdate(1));
      const seen: string[][] = [];
      const stale = store.rotateKeyring(1, rotation(sampleUpdate(5), seen));
      await expect(stale).rejects.toSatisfy(expectCode('KEYRING_CHANGED'));
      await expect(stale).rejects.toMatchObject({ status: 409 });
      expect(seen).toEqual([]);
      expect(await store.getVault()).toEqual(current);
      expect(await store.listDataKeys()).toEqual([sampleDataKey(a.id)]);
    });

    it('reports NO_VAULT on a store without a vault', async () => {
      const a = await app('A');
      await expect(store.rotateKeyring(1, rotation(sampleUpdate(1)))).rejects.toSatisfy(expectCode('NO_VAULT'));
      expect(await store.listDataKeys()).toEqual([sampleDataKey(a.id)]);
    });

    it('refuses to drop a master secret a data key still refers to, changing nothing', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const update = sampleUpdate(1);
      // The rotation forgets to re-wrap A's key (wrapped by msid-1) and keeps only msid-2.
      const dropping = store.rotateKeyring(1, () => ({ keyring: update, msids: ['msid-2'], rewrapped: [] }));
      await expect(dropping).rejects.toSatisfy(expectCode('INVALID_QUERY'));
      await expect(dropping).rejects.toThrow(
        `the new keyring drops master secret msid-1, which still wraps the data key of application ${a.id}: nothing was changed`,
      );
      expect(await store.getVault()).toEqual({ ...sampleVault(), generation: 1, updatedAt: sampleVault().createdAt });
      expect(await store.listDataKeys()).toEqual([sampleDataKey(a.id)]);
      // Keeping msid-1 is fine.
      await store.rotateKeyring(1, () => ({ keyring: update, msids: ['msid-2', 'msid-1'], rewrapped: [] }));
    });

    it('rolls back when rotate throws', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const failing = store.rotateKeyring(1, () => {
        throw new Error('cannot unwrap');
      });
      await expect(failing).rejects.toThrow('cannot unwrap');
      expect((await store.getVault())?.generation).toBe(1);
      expect(await store.listDataKeys()).toEqual([sampleDataKey(a.id)]);
    });

    it('lets exactly one of two concurrent rotations win', async () => {
      await store.createVault(sampleVault());
      const a = await app('A');
      const results = await Promise.allSettled([
        store.rotateKeyring(1, rotation(sampleUpdate(1, { currentMsid: 'first' }))),
        store.rotateKeyring(1, rotation(sampleUpdate(1, { currentMsid: 'second' }))),
      ]);
      expect(outcome(results)).toEqual({ won: 1, codes: ['KEYRING_CHANGED'] });
      const vault = await store.getVault();
      // The data key was wrapped by the same rotation that won the keyring.
      expect((await store.getDataKey(a.id))?.msid).toBe(vault?.currentMsid);
    });

    it('takes a new data key only under the current or previous master secret of the vault', async () => {
      await store.createVault(sampleVault());
      await store.updateKeyring(1, sampleUpdate(1)); // current msid-2, previous msid-1
      await store.createApplication(sampleApplication('A'), sampleDataKey('app-a', { msid: 'msid-2' }));
      await store.createApplication(sampleApplication('B'), sampleDataKey('app-b', { msid: 'msid-1' }));
      const stale = store.createApplication(sampleApplication('C'), sampleDataKey('app-c', { msid: 'msid-0' }));
      await expect(stale).rejects.toSatisfy(expectCode('KEYRING_CHANGED'));
      await expect(stale).rejects.toThrow("the data key of application app-c is wrapped by master secret msid-0, which the vault's keyring no longer holds");
      expect((await store.listApplications()).map((application) => application.id)).not.toContain('app-c');
      expect((await store.listDataKeys()).map((key) => key.applicationId)).not.toContain('app-c');
    });
  });

  describe('mappings', () => {
    it('round-trips a new mapping, disabled and without credentials, found in any case', async () => {
      const payroll = await app('Payroll');
      const input = sampleMapping(payroll.id, 'CONTOSO\\Bob', 'Bob-Ext');
      const expected: MappingRecord = { ...input, enabled: false, hasCredentials: false, updatedAt: input.createdAt };
      expect(await store.createMapping(input)).toEqual(expected);
      expect(await store.getMapping(payroll.id, 'contoso\\BOB')).toEqual(expected);
      expect(await store.getMappingByExternalUser(payroll.id, 'BOB-EXT')).toEqual(expected);
      expect(await store.getMapping(payroll.id, 'CONTOSO\\alice')).toBeUndefined();
      expect(await store.getMappingByExternalUser(payroll.id, 'alice')).toBeUndefined();
      expect(await store.getMapping('other-app', 'CONTOSO\\Bob')).toBeUndefined();
    });

    it('lists by application, by account (in any case), or both', async () => {
      const a = await app('A');
      const b = await app('B');
      const bobA = await store.createMapping(sampleMapping(a.id, 'CONTOSO\\bob', 'x1'));
      const aliceA = await store.createMapping(sampleMapping(a.id, 'CONTOSO\\alice', 'x2'));
      const bobB = await store.createMapping(sampleMapping(b.id, 'CONTOSO\\Bob', 'x3'));

      expect(await store.listMappings({ applicationId: a.id })).toEqual([aliceA, bobA]);
      expect(await store.listMappings({ account: 'contoso\\BOB' })).toEqual(expect.arrayContaining([bobA, bobB]));
      expect(await store.listMappings({ account: 'contoso\\BOB' })).toHaveLength(2);
      expect(await store.listMappings({ applicationId: b.id, account: 'CONTOSO\\bob' })).toEqual([bobB]);
      expect(await store.listMappings({})).toHaveLength(3);
      expect(await store.listMappings({ applicationId: 'none' })).toEqual([]);
    });

    it('refuses a second mapping of an account or an external user, in any case, naming the side', async () => {
      const payroll = await app('Payroll');
      await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));

      const byAccount = store.createMapping(sampleMapping(payroll.id, 'contoso\\BOB', 'other-ext'));
      await expect(byAccount).rejects.toSatisfy(expectCode('MAPPING_EXISTS'));
      await expect(byAccount).rejects.toMatchObject({
        status: 409,
        eventId: 10753,
        message: expect.stringMatching(/^CONTOSO\\bob already has a mapping/) as string,
      });

      const byExternal = store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\carol', 'BOB-EXT'));
      await expect(byExternal).rejects.toSatisfy(expectCode('MAPPING_EXISTS'));
      await expect(byExternal).rejects.toMatchObject({ message: expect.stringMatching(/^external user bob-ext is already mapped/) as string });

      expect(await store.listMappings({ applicationId: payroll.id })).toHaveLength(1);
      // Another application may map the same pair.
      const billing = await app('Billing');
      await store.createMapping(sampleMapping(billing.id, 'CONTOSO\\bob', 'bob-ext'));
    });

    it('keeps external users unique in a group application', async () => {
      const shared = await app('Shared', { type: 'group', flags: { ...ALL_FLAGS_OFF, groupApp: true } });
      await store.createMapping(sampleMapping(shared.id, 'CONTOSO\\Ops', 'shared-ext'));
      await expect(store.createMapping(sampleMapping(shared.id, 'CONTOSO\\Payroll Users', 'shared-ext'))).rejects.toSatisfy(expectCode('MAPPING_EXISTS'));
    });

    it('maps many external users to the one account of a host group application, each external user once', async () => {
      const host = await app('Mainframe', { type: 'hostGroup', windowsAccount: 'CONTOSO\\svc-mf' });
      const first = await store.createMapping(sampleMapping(host.id, 'CONTOSO\\svc-mf', 'TSO001'));
      const second = await store.createMapping(sampleMapping(host.id, 'contoso\\SVC-MF', 'TSO002', { createdAt: '2024-05-03T00:00:00.000Z' }));
      await expect(store.createMapping(sampleMapping(host.id, 'CONTOSO\\svc-mf', 'tso001', { id: 'dup' }))).rejects.toSatisfy(expectCode('MAPPING_EXISTS'));
      expect(await store.getMappingByExternalUser(host.id, 'tso002')).toEqual(second);
      expect(await store.getMapping(host.id, 'CONTOSO\\svc-mf')).toEqual(first); // the oldest
      expect(await store.listMappings({ applicationId: host.id })).toEqual([first, second]);
    });

    it('lets exactly one of concurrent creators win on either side', async () => {
      const payroll = await app('Payroll');
      const sameAccount = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) => store.createMapping(sampleMapping(payroll.id, n % 2 ? 'CONTOSO\\bob' : 'contoso\\BOB', `ext-${n}`))),
      );
      expect(outcome(sameAccount)).toEqual({ won: 1, codes: Array(4).fill('MAPPING_EXISTS') });
      const sameExternal = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) => store.createMapping(sampleMapping(payroll.id, `CONTOSO\\user${n}`, n % 2 ? 'shared' : 'SHARED'))),
      );
      expect(outcome(sameExternal)).toEqual({ won: 1, codes: Array(4).fill('MAPPING_EXISTS') });
      expect(await store.listMappings({ applicationId: payroll.id })).toHaveLength(2);
    });

    it('refuses a mapping of an application that does not exist', async () => {
      const attempt = store.createMapping(sampleMapping('no-such-app', 'CONTOSO\\bob', 'x'));
      await expect(attempt).rejects.toSatisfy(expectCode('NO_APP'));
      expect(await store.listMappings({})).toEqual([]);
    });

    it('enables, disables and deletes a mapping', async () => {
      const payroll = await app('Payroll');
      const created = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
      const at = '2024-07-01T00:00:00.000Z';
      const enabled = await store.setMappingEnabled(created.id, true, at);
      expect(enabled).toEqual({ ...created, enabled: true, updatedAt: at });
      expect(await store.setMappingEnabled(created.id, false, at)).toEqual({ ...created, updatedAt: at });
      expect(await store.setMappingEnabled('nope', true, at)).toBeUndefined();

      await store.setCredentials(created.id, [sealed(1, 'pw')], at);
      expect(await store.deleteMapping(created.id)).toBe(true);
      expect(await store.deleteMapping(created.id)).toBe(false);
      expect(await store.getMapping(payroll.id, 'CONTOSO\\bob')).toBeUndefined();
      expect(await store.getCredentials(created.id)).toEqual([]);
      // Both sides are free again.
      await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
    });
  });

  describe('credentials', () => {
    it('replaces every field, enables the mapping and bumps updatedAt', async () => {
      const payroll = await app('Payroll');
      const created = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
      expect(await store.getCredentials(created.id)).toEqual([]);

      await store.setCredentials(created.id, [sealed(3, 'c'), sealed(1, 'a'), sealed(2, 'b')], '2024-07-01T00:00:00.000Z');
      const fields = await store.getCredentials(created.id);
      expect(fields).toEqual([sealed(1, 'a'), sealed(2, 'b'), sealed(3, 'c')]);
      expect(fields.every((field) => Buffer.isBuffer(field.ciphertext))).toBe(true);
      expect(await store.getMapping(payroll.id, 'CONTOSO\\bob')).toEqual({
        ...created,
        enabled: true,
        hasCredentials: true,
        updatedAt: '2024-07-01T00:00:00.000Z',
      });

      // Disabled by an administrator, then new credentials: only the new fields, enabled again.
      await store.setMappingEnabled(created.id, false, '2024-07-02T00:00:00.000Z');
      await store.setCredentials(created.id, [sealed(1, 'new')], '2024-07-03T00:00:00.000Z');
      expect(await store.getCredentials(created.id)).toEqual([sealed(1, 'new')]);
      expect(await store.getMapping(payroll.id, 'CONTOSO\\bob')).toMatchObject({ enabled: true, updatedAt: '2024-07-03T00:00:00.000Z' });
    });

    it('reports NO_MAPPING for a mapping that is gone', async () => {
      const attempt = store.setCredentials('no-such-mapping', [sealed(1, 'pw')], '2024-07-01T00:00:00.000Z');
      await expect(attempt).rejects.toSatisfy(expectCode('NO_MAPPING'));
      await expect(attempt).rejects.toMatchObject({ status: 404, eventId: 10757 });
      expect(await store.getCredentials('no-such-mapping')).toEqual([]);
    });

    it('refuses a field given twice and changes nothing', async () => {
      const payroll = await app('Payroll');
      const created = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
      await store.setCredentials(created.id, [sealed(1, 'old')], '2024-07-01T00:00:00.000Z');
      const twice = store.setCredentials(created.id, [sealed(1, 'a'), sealed(1, 'b')], '2024-07-02T00:00:00.000Z');
      await expect(twice).rejects.toSatisfy(expectCode('INVALID_QUERY'));
      expect(await store.getCredentials(created.id)).toEqual([sealed(1, 'old')]);
    });

    it("ends concurrent setters with exactly one writer's complete set of fields", async () => {
      const payroll = await app('Payroll');
      const created = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
      const sets = [1, 2, 3, 4].map((n) => [sealed(1, `user-${n}`), sealed(2, `pw-${n}`)]);
      await Promise.all(sets.map((fields) => store.setCredentials(created.id, fields, '2024-07-01T00:00:00.000Z')));
      expect(sets).toContainEqual(await store.getCredentials(created.id));
    });
  });

  describe('config store', () => {
    const at = '2024-08-01T00:00:00.000Z';

    it('has no entry until one is written, and finds it in any case', async () => {
      const cfg = await app('Adapter', { type: 'configStore', flags: { ...ALL_FLAGS_OFF, configStoreApp: true } });
      expect(await store.getConfig(cfg.id, 'Endpoint')).toBeUndefined();
      await store.setConfig(cfg.id, 'Endpoint', [sealed(2, 'two'), sealed(1, 'one')], at);
      expect(await store.getConfig(cfg.id, 'ENDPOINT')).toEqual([sealed(1, 'one'), sealed(2, 'two')]);
      expect(await store.getConfig(cfg.id, 'other')).toBeUndefined();
    });

    it('writes only the fields given: the others keep their value', async () => {
      const cfg = await app('Adapter');
      await store.setConfig(cfg.id, 'Endpoint', [sealed(1, 'one'), sealed(2, 'two'), sealed(3, 'three')], at);
      await store.setConfig(cfg.id, 'endpoint', [sealed(2, 'TWO'), sealed(4, 'four')], at);
      expect(await store.getConfig(cfg.id, 'Endpoint')).toEqual([sealed(1, 'one'), sealed(2, 'TWO'), sealed(3, 'three'), sealed(4, 'four')]);
      await store.setConfig(cfg.id, 'Endpoint', [], at);
      expect(await store.getConfig(cfg.id, 'Endpoint')).toHaveLength(4);
    });

    it('keeps entries apart per application and identifier, and deletes one', async () => {
      const a = await app('A');
      const b = await app('B');
      await store.setConfig(a.id, 'x', [sealed(1, 'a-x')], at);
      await store.setConfig(a.id, 'y', [sealed(1, 'a-y')], at);
      await store.setConfig(b.id, 'x', [sealed(1, 'b-x')], at);

      expect(await store.deleteConfig(a.id, 'X')).toBe(true);
      expect(await store.deleteConfig(a.id, 'x')).toBe(false);
      expect(await store.getConfig(a.id, 'x')).toBeUndefined();
      expect(await store.getConfig(a.id, 'y')).toEqual([sealed(1, 'a-y')]);
      expect(await store.getConfig(b.id, 'x')).toEqual([sealed(1, 'b-x')]);
    });

    it('refuses an application that does not exist, and a field given twice', async () => {
      await expect(store.setConfig('no-such-app', 'x', [sealed(1, 'v')], at)).rejects.toSatisfy(expectCode('NO_APP'));
      await expect(store.setConfig('no-such-app', 'x', [], at)).rejects.toSatisfy(expectCode('NO_APP'));
      const a = await app('A');
      await expect(store.setConfig(a.id, 'x', [sealed(1, 'v'), sealed(1, 'w')], at)).rejects.toSatisfy(expectCode('INVALID_QUERY'));
      expect(await store.getConfig(a.id, 'x')).toBeUndefined();
    });
  });

  describe('tickets', () => {
    // The store takes "now" from its caller: a clock years away from the wall clock must work.
    const now = new Date('2031-06-15T12:00:00.000Z');
    const inAnHour = () => new Date(now.getTime() + 3_600_000).toISOString();

    it('redeems a ticket once', async () => {
      const expiresAt = inAnHour();
      expect(await store.redeemTicket('ticket-1', expiresAt, now)).toBe(true);
      expect(await store.redeemTicket('ticket-1', expiresAt, now)).toBe(false);
      expect(await store.redeemTicket('ticket-2', expiresAt, now)).toBe(true);
    });

    it('lets exactly one of 10 concurrent redeemers win', async () => {
      const expiresAt = inAnHour();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.redeemTicket('ticket-race', expiresAt, now)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('records 300 concurrent redemptions in shared commits, each exactly once, durably', async () => {
      const expiresAt = inAnHour();
      const ids = Array.from({ length: 300 }, (_, i) => `ticket-batch-${i}`);
      // Every id twice, interleaved: within one batch the first of a pair wins, the second loses.
      const results = await Promise.all(ids.flatMap((id) => [store.redeemTicket(id, expiresAt, now), store.redeemTicket(id, expiresAt, now)]));
      expect(results.filter((won, i) => won !== (i % 2 === 0))).toEqual([]);
      await store.close();
      store = await openStore(database.config);
      expect(await Promise.all(ids.slice(0, 5).map((id) => store.redeemTicket(id, expiresAt, now)))).toEqual([false, false, false, false, false]);
    });

    it('still refuses a ticket redeemed just after it expired', async () => {
      const justExpired = new Date(now.getTime() - 60_000).toISOString();
      expect(await store.redeemTicket('ticket-old', justExpired, now)).toBe(true);
      expect(await store.redeemTicket('ticket-new', inAnHour(), now)).toBe(true);
      expect(await store.redeemTicket('ticket-old', justExpired, now)).toBe(false);
    });

    it("judges the purge window by the caller's clock, not the wall clock", async () => {
      const past = new Date('2003-02-01T00:00:00.000Z');
      const expiresAt = new Date(past.getTime() + 60_000).toISOString();
      expect(await store.redeemTicket('ticket-2003', expiresAt, past)).toBe(true);
      expect(await store.redeemTicket('ticket-2003', expiresAt, past)).toBe(false);
      // A day and more later by the same clock, the record may be purged: refused, never redeemable again.
      expect(await store.redeemTicket('ticket-2003', expiresAt, new Date(past.getTime() + 2 * 86_400_000))).toBe(false);
    });

    it('refuses a ticket long expired, whose record may have been purged', async () => {
      expect(await store.redeemTicket('ancient', '2001-01-01T00:00:00.000Z', now)).toBe(false);
      await expect(store.redeemTicket('bad', 'not a time', now)).rejects.toSatisfy(expectCode('INVALID_QUERY'));
    });
  });
});
