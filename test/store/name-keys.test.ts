/**
 * Migration 008: keys an older Tessera wrote with toLowerCase() are recomputed with nameKey, on
 * both stores. The "older Tessera" is simulated as it would have left the database: keys
 * lower-cased, and 008 not yet recorded as applied.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/tessera-error.js';
import { openStore, type Store } from '../../src/store/index.js';
import { nameKey } from '../../src/vault/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { openRawSql } from '../support/raw-sql.js';
import { sampleApplication, sampleDataKey, sampleMapping, sealed } from './fixtures.js';

const KELVIN = '\u212a';

describe.each(storeTargets)('migration 008 (name keys): $name', (target) => {
  let database: TestDatabase;
  let store: Store | undefined;

  beforeEach(async () => {
    database = await target.create();
  });
  afterEach(async () => {
    await store?.close();
    await database.cleanup();
  });

  /** Rewrites every key as the previous version computed it, and forgets that 008 and every later migration ran. */
  async function asWrittenByTheOldVersion(extra: (run: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void> = async () => {}) {
    await store!.close();
    store = undefined;
    const raw = await openRawSql(database.config);
    try {
      const old = (text: string) => text.toLowerCase();
      for (const row of await raw.run('select id, name from applications'))
        await raw.run('update applications set name_key = ? where id = ?', [old(String(row.name)), row.id]);
      for (const row of await raw.run('select id, account, account_unique_key, external_user from mappings')) {
        await raw.run('update mappings set account_key = ?, account_unique_key = ?, external_key = ? where id = ?', [
          old(String(row.account)),
          row.account_unique_key === null ? null : old(String(row.account)),
          old(String(row.external_user)),
          row.id,
        ]);
      }
      for (const row of await raw.run('select distinct application_id, identifier from config_entries')) {
        await raw.run('update config_entries set identifier_key = ? where application_id = ? and identifier = ?', [
          old(String(row.identifier)),
          row.application_id,
          row.identifier,
        ]);
      }
      await extra((sql, params) => raw.run(sql, params));
      // The old version had none of the later migrations either: their tables (and 010's triggers) go too.
      await raw.run('drop table api_tokens');
      if (database.config.kind === 'sqlite') {
        for (const row of await raw.run("select name from sqlite_master where type = 'trigger' and name like 'change_version_%'")) {
          await raw.run(`drop trigger ${String(row.name)}`);
        }
      } else {
        await raw.run('drop function bump_change_version() cascade');
      }
      await raw.run('drop table change_version');
      for (const column of ['sso_enabled', 'audit_positive', 'audit_negative']) await raw.run(`alter table global_info drop column ${column}`);
      await raw.run("delete from kysely_migration where name >= '008-name-keys'");
    } finally {
      await raw.close();
    }
  }

  async function keys(): Promise<Record<string, unknown[]>> {
    const raw = await openRawSql(database.config);
    try {
      return {
        applications: (await raw.run('select name_key from applications order by id')).map((row) => row.name_key),
        mappings: (await raw.run('select account_key, account_unique_key, external_key from mappings order by id')).map((row) => Object.values(row)),
        config: (await raw.run('select distinct identifier_key from config_entries')).map((row) => row.identifier_key),
      };
    } finally {
      await raw.close();
    }
  }

  it('recomputes every key, so a look-alike row written by the old rule no longer answers for CORP\\kate', async () => {
    store = await openStore(database.config);
    const payroll = sampleApplication('Payroll');
    await store.createApplication(payroll, sampleDataKey(payroll.id));
    const host = sampleApplication('HostApp', { type: 'hostGroup', windowsAccount: 'CORP\\Host' });
    await store.createApplication(host, sampleDataKey(host.id));
    await store.createMapping(sampleMapping(payroll.id, `CORP\\${KELVIN}ate`, 'Kate01'));
    await store.createMapping(sampleMapping(host.id, 'CORP\\Host', 'ext1'));
    await store.setConfig(payroll.id, 'Cfg-A', [sealed(0, 'a')], '2024-05-03T00:00:00.000Z');
    await asWrittenByTheOldVersion();
    // The old key of the look-alike row was the key of CORP\kate.
    expect((await keys()).mappings).toContainEqual([`corp\\kate`, `corp\\kate`, 'kate01']);

    store = await openStore(database.config);
    expect(await keys()).toEqual({
      applications: ['HOSTAPP', 'PAYROLL'],
      mappings: [
        ['CORP\\HOST', null, 'EXT1'],
        [`CORP\\${KELVIN}ATE`, `CORP\\${KELVIN}ATE`, 'KATE01'],
      ],
      config: ['CFG-A'],
    });
    expect(await store.getMapping(payroll.id, 'CORP\\kate')).toBeUndefined();
    expect((await store.lookupCredentials('payroll', ['CORP\\kate']))?.mappings).toEqual([]);
    expect((await store.getMapping(payroll.id, `CORP\\${KELVIN}ATE`))?.externalUser).toBe('Kate01');
    // The real CORP\kate can now be mapped beside it.
    await store.createMapping(sampleMapping(payroll.id, 'CORP\\kate', 'kate02'));
    expect((await store.getApplication('PAYROLL'))?.name).toBe('Payroll');
    expect(await store.getConfig(payroll.id, 'cfg-a')).toHaveLength(1);
    expect((await store.getMappingByExternalUser(host.id, 'EXT1'))?.account).toBe('CORP\\Host');
  });

  it('stops, changing nothing, when two names become one (a final sigma), and names both', async () => {
    store = await openStore(database.config);
    const app = sampleApplication('Greek');
    await store.createApplication(app, sampleDataKey(app.id));
    // toLowerCase() spells the capital sigma at a word's end as ς: two distinct old keys.
    await store.createMapping(sampleMapping(app.id, 'CORP\\ΑΣ', 'e1'));
    await asWrittenByTheOldVersion(async (run) => {
      await run(
        'insert into mappings (id, application_id, account, account_key, account_unique_key, external_user, external_key, enabled, has_credentials, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)',
        ['m-sigma', app.id, 'CORP\\ασ', 'corp\\ασ', 'corp\\ασ', 'e2', 'e2', '2024-05-02T10:00:00.000Z', '2024-05-02T10:00:00.000Z'],
      );
    });
    expect('CORP\\ΑΣ'.toLowerCase()).not.toBe('CORP\\ασ'.toLowerCase());
    expect(nameKey('CORP\\ΑΣ')).toBe(nameKey('CORP\\ασ'));
    const before = await keys();

    const error = await openStore(database.config).then(
      (opened) => opened.close().then(() => undefined),
      (failure: unknown) => failure,
    );
    expect(isTesseraError(error, 'STORE_MIGRATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain(
      '(migration 008-name-keys): mapped accounts "CORP\\ΑΣ" and "CORP\\ασ" now compare equal, as Windows compares names',
    );
    expect(await keys()).toEqual(before);
  });
});
