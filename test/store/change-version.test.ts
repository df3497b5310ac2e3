/** The change version (migration 010), on every backend: what bumps it, what does not, and who. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type ApplicationRecord, type Store } from '../../src/store/index.js';
import { openRawSql } from '../support/raw-sql.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { sampleApplication, sampleDataKey, sampleEvent, sampleMapping, sampleUpdate, sampleVault, sealed } from './fixtures.js';

describe.each(storeTargets)('store change version: $name', (target) => {
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

  async function app(name: string): Promise<ApplicationRecord> {
    const input = sampleApplication(name);
    return store.createApplication(input, sampleDataKey(input.id));
  }

  /** Runs `change` and says whether the version moved (it never goes back). */
  async function bumps(change: () => Promise<unknown>): Promise<boolean> {
    const before = await store.changeVersion();
    await change();
    const after = await store.changeVersion();
    expect(after).toBeGreaterThanOrEqual(before);
    return after > before;
  }

  it('is a whole number from the start', async () => {
    expect(Number.isSafeInteger(await store.changeVersion())).toBe(true);
  });

  it('moves with every change to what decides a lookup', async () => {
    expect(await bumps(() => store.updateGlobalInfo({ ssoAdminAccounts: ['CONTOSO\\SSO Admins'] }))).toBe(true);
    expect(await bumps(() => store.createVault(sampleVault()))).toBe(true);
    expect(await bumps(() => store.updateKeyring(1, sampleUpdate(1)))).toBe(true);
    let payroll!: ApplicationRecord;
    expect(await bumps(async () => (payroll = await app('Payroll')))).toBe(true);
    expect(await bumps(() => store.updateApplication(payroll.id, payroll.version, { description: 'new', updatedAt: '2024-07-01T00:00:00.000Z' }))).toBe(true);
    let mappingId = '';
    expect(await bumps(async () => (mappingId = (await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'))).id))).toBe(true);
    expect(await bumps(() => store.setCredentials(mappingId, [sealed(1, 'a')], '2024-07-01T00:00:00.000Z'))).toBe(true);
    expect(await bumps(() => store.setMappingEnabled(mappingId, false, '2024-07-02T00:00:00.000Z'))).toBe(true);
    expect(
      await bumps(() =>
        store.rotateKeyring(2, (keys) => ({
          keyring: sampleUpdate(2),
          msids: ['msid-3', 'msid-2'],
          rewrapped: keys.map((key) => sampleDataKey(key.applicationId, { msid: 'msid-3' })),
        })),
      ),
    ).toBe(true);
    expect(await bumps(() => store.deleteMapping(mappingId))).toBe(true);
    expect(await bumps(() => store.deleteApplication(payroll.id))).toBe(true);
    expect(await bumps(() => store.bumpChangeVersion())).toBe(true);
  });

  it('stays put for tickets, events, backups and config entries, which decide no lookup', async () => {
    const payroll = await app('Payroll');
    expect(await bumps(() => store.redeemTicket('ticket-1', '2999-01-01T00:00:00.000Z', new Date('2024-01-01T00:00:00Z')))).toBe(false);
    expect(await bumps(() => store.appendEvent(sampleEvent(1)))).toBe(false);
    expect(
      await bumps(() =>
        store.recordBackup({
          vaultId: 'vault-1',
          msid: 'msid-1',
          msids: ['msid-1'],
          file: '/b',
          kind: 'backup',
          verifiedAt: '2024-01-01T00:00:00.000Z',
          clientUser: 'x',
        }),
      ),
    ).toBe(false);
    expect(await bumps(() => store.setConfig(payroll.id, 'endpoint', [sealed(1, 'url')], '2024-05-03T00:00:00.000Z'))).toBe(false);
    expect(await bumps(() => store.getGlobalInfo())).toBe(false);
  });

  it('moves for a change made past the store, by direct SQL or another process', async () => {
    const payroll = await app('Payroll');
    const mapping = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
    await store.setCredentials(mapping.id, [sealed(1, 'a')], '2024-07-01T00:00:00.000Z');
    const raw = await openRawSql(database.config);
    try {
      expect(await bumps(() => raw.run('update mappings set enabled = 0 where id = ?', [mapping.id]))).toBe(true);
      expect(await bumps(() => raw.run('delete from credentials where mapping_id = ?', [mapping.id]))).toBe(true);
    } finally {
      await raw.close();
    }
    const other = await openStore(database.config);
    try {
      expect(await bumps(() => other.updateGlobalInfo({ credCacheTimeoutMinutes: 5 }))).toBe(true);
      expect(await other.changeVersion()).toBe(await store.changeVersion());
    } finally {
      await other.close();
    }
  });

  it('comes with the lookup rows and with a mapping fields, from the same snapshot', async () => {
    const payroll = await app('Payroll');
    const mapping = await store.createMapping(sampleMapping(payroll.id, 'CONTOSO\\bob', 'bob-ext'));
    const empty = await store.getVersionedCredentials(mapping.id);
    expect(empty).toEqual({ changeVersion: await store.changeVersion(), fields: [] });

    await store.setCredentials(mapping.id, [sealed(2, 'b'), sealed(1, 'a')], '2024-07-01T00:00:00.000Z');
    const version = await store.changeVersion();
    expect(version).toBeGreaterThan(empty.changeVersion);
    expect(await store.getVersionedCredentials(mapping.id)).toEqual({ changeVersion: version, fields: [sealed(1, 'a'), sealed(2, 'b')] });
    expect(await store.getVersionedCredentials('no-such-mapping')).toEqual({ changeVersion: version, fields: [] });

    const found = await store.lookupCredentials('payroll', ['CONTOSO\\BOB']);
    expect(found?.changeVersion).toBe(version);
    expect(found?.mappings.map((m) => m.id)).toEqual([mapping.id]);
  });
});
