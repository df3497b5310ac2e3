/** The Store contract, run against every backend in storeTargets. */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/tessera-error.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { sampleEvent, sampleUpdate, sampleVault } from './fixtures.js';

function expectCode(code: string): (error: unknown) => boolean {
  return (error) => isTesseraError(error, code);
}

describe.each(storeTargets)('store contract: $name', (target) => {
  let database: TestDatabase;
  let config: StoreConfig;
  let store: Store;

  beforeEach(async () => {
    database = await target.create();
    config = database.config;
    store = await openStore(config);
  });

  afterEach(async () => {
    await store.close();
    await database.cleanup();
  });

  it('reports its kind and a location', () => {
    expect(store.kind).toBe(target.name);
    expect(store.location).not.toBe('');
  });

  describe('vault', () => {
    it('has no vault when empty', async () => {
      expect(await store.getVault()).toBeUndefined();
    });

    it('round-trips every field of a new vault', async () => {
      const vault = sampleVault({ previousMsid: 'msid-0' });
      const created = await store.createVault(vault);
      const expected = { ...vault, generation: 1, updatedAt: vault.createdAt };
      expect(created).toEqual(expected);

      const read = await store.getVault();
      expect(read).toEqual(expected);
      expect(Buffer.isBuffer(read?.sealedKeyring)).toBe(true);
      expect(read?.sealedKeyring.equals(vault.sealedKeyring)).toBe(true);
    });

    it('refuses a second vault', async () => {
      await store.createVault(sampleVault());
      const second = store.createVault(sampleVault({ vaultId: 'vault-2' }));
      await expect(second).rejects.toSatisfy(expectCode('VAULT_EXISTS'));
      await expect(second).rejects.toMatchObject({ status: 409 });
      expect((await store.getVault())?.vaultId).toBe('vault-1');
    });

    it('lets exactly one of two concurrent creators win', async () => {
      const results = await Promise.allSettled([store.createVault(sampleVault({ vaultId: 'a' })), store.createVault(sampleVault({ vaultId: 'b' }))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toSatisfy(expectCode('VAULT_EXISTS'));
    });
  });

  describe('updateKeyring', () => {
    it('swaps the keyring and bumps the generation', async () => {
      await store.createVault(sampleVault());
      const update = sampleUpdate(1, { vaultId: 'vault-restored' });
      const updated = await store.updateKeyring(1, update);
      const expected = { ...sampleVault(), ...update, generation: 2 };
      expect(updated).toEqual(expected);
      expect(await store.getVault()).toEqual(expected);
      expect((await store.updateKeyring(2, sampleUpdate(2))).generation).toBe(3);
    });

    it('refuses a stale generation and changes nothing', async () => {
      await store.createVault(sampleVault());
      const current = await store.updateKeyring(1, sampleUpdate(1));

      const stale = store.updateKeyring(1, sampleUpdate(9, { vaultId: 'other' }));
      await expect(stale).rejects.toSatisfy(expectCode('KEYRING_CHANGED'));
      await expect(stale).rejects.toMatchObject({ status: 409 });
      expect(await store.getVault()).toEqual(current);
    });

    it('reports NO_VAULT on an empty store', async () => {
      await expect(store.updateKeyring(1, sampleUpdate(1))).rejects.toSatisfy(expectCode('NO_VAULT'));
      expect(await store.getVault()).toBeUndefined();
    });

    it('lets exactly one of two concurrent writers with the same generation win', async () => {
      await store.createVault(sampleVault());
      const results = await Promise.allSettled([
        store.updateKeyring(1, sampleUpdate(1, { currentMsid: 'first' })),
        store.updateKeyring(1, sampleUpdate(1, { currentMsid: 'second' })),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toSatisfy(expectCode('KEYRING_CHANGED'));

      const vault = await store.getVault();
      expect(vault?.generation).toBe(2);
      expect(vault?.currentMsid).toBe((won[0] as PromiseFulfilledResult<{ currentMsid: string }>).value.currentMsid);
    });
  });

  describe('backups', () => {
    const backup = (n: number, vaultId: string, msid: string) => ({
      vaultId,
      msid,
      msids: [msid, `older-${n}`, 'ünïcödé "quoted"'],
      file: `/var/backups/tessera-${n}.bak`,
      kind: n % 2 === 0 ? ('backup' as const) : ('verify' as const),
      verifiedAt: new Date(Date.UTC(2024, 2, n)).toISOString(),
      clientUser: 'CONTOSO\\ssoadmin',
    });

    it('lists newest first, filtered by vault and msid', async () => {
      const records = [backup(1, 'v1', 'm1'), backup(2, 'v1', 'm2'), backup(3, 'v2', 'm1'), backup(4, 'v1', 'm1')];
      for (const record of records) await store.recordBackup(record);

      expect(await store.listBackups()).toEqual([...records].reverse());
      expect(await store.listBackups({ vaultId: 'v1' })).toEqual([records[3], records[1], records[0]]);
      expect(await store.listBackups({ msid: 'm1' })).toEqual([records[3], records[2], records[0]]);
      expect(await store.listBackups({ vaultId: 'v1', msid: 'm1' })).toEqual([records[3], records[0]]);
      expect(await store.listBackups({ vaultId: 'none' })).toEqual([]);
    });

    it('round-trips an empty msid list', async () => {
      await store.recordBackup({ ...backup(1, 'v1', 'm1'), msids: [] });
      expect((await store.listBackups())[0]?.msids).toEqual([]);
    });
  });

  describe('events', () => {
    it('assigns strictly increasing seq numbers', async () => {
      const stored = [];
      for (let n = 0; n < 5; n++) stored.push(await store.appendEvent(sampleEvent(n)));
      const seqs = stored.map((event) => event.seq);
      for (const seq of seqs) expect(typeof seq).toBe('number');
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
      expect(stored[2]).toEqual({ ...sampleEvent(2), seq: seqs[2] });
    });

    it('lists oldest first, filtered by id, since and limit', async () => {
      for (let n = 0; n < 9; n++) await store.appendEvent(sampleEvent(n));
      const symbols = (events: { symbol: string }[]) => events.map((event) => event.symbol);

      expect(symbols(await store.listEvents())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `EVENT_${n}`));
      expect(symbols(await store.listEvents({ id: 10501 }))).toEqual(['EVENT_1', 'EVENT_4', 'EVENT_7']);
      const since = sampleEvent(6).time;
      expect(symbols(await store.listEvents({ since }))).toEqual(['EVENT_6', 'EVENT_7', 'EVENT_8']);
      expect(symbols(await store.listEvents({ limit: 2 }))).toEqual(['EVENT_7', 'EVENT_8']);
      expect(symbols(await store.listEvents({ id: 10500, limit: 2 }))).toEqual(['EVENT_3', 'EVENT_6']);
      expect(symbols(await store.listEvents({ id: 10502, since: sampleEvent(3).time, limit: 5 }))).toEqual(['EVENT_5', 'EVENT_8']);
      expect(await store.listEvents({ limit: 0 })).toEqual([]);
      await expect(store.listEvents({ limit: -1 })).rejects.toSatisfy(expectCode('INVALID_QUERY'));
    });

    it('round-trips params with unicode, quotes and backslashes', async () => {
      const params = {
        user: 'Zoë "the admin" O\'Brien',
        path: 'C:\\Program Files\\SSO',
        emoji: '🔐 ключ 鍵',
        nul: 'a\u0000b',
        json: '{"a":[1,2]}',
      };
      const stored = await store.appendEvent(sampleEvent(1, { params, message: 'it\'s "done" ✓' }));
      expect(await store.listEvents()).toEqual([stored]);
      expect(stored.params).toEqual(params);
    });

    it('round-trips arbitrary string params', async () => {
      const key = fc.string({ unit: 'binary' }).filter((k) => k !== '__proto__');
      await fc.assert(
        fc.asyncProperty(fc.dictionary(key, fc.string({ unit: 'binary' })), async (params) => {
          const stored = await store.appendEvent(sampleEvent(1, { params }));
          const [read] = await store.listEvents({ limit: 1 });
          expect(read).toEqual(stored);
          expect(read?.params).toEqual(params);
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('reopening', () => {
    it('keeps the data and does not re-run migrations', async () => {
      await store.createVault(sampleVault());
      await store.updateKeyring(1, sampleUpdate(1));
      const event = await store.appendEvent(sampleEvent(1));
      await store.close();

      for (let round = 0; round < 2; round++) {
        store = await openStore(config);
        expect((await store.getVault())?.generation).toBe(2);
        expect(await store.listEvents()).toEqual([event]);
        await store.close();
      }
      store = await openStore(config);
      expect((await store.appendEvent(sampleEvent(2))).seq).toBeGreaterThan(event.seq);
    });

    it('can be closed twice', async () => {
      await store.close();
      await store.close();
    });
  });
});
