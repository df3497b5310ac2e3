/**
 * What someone with write access to the database (but no seal key) can do to stored envelopes,
 * and what a backup's clear header may leak: every altered envelope is the one
 * DECRYPTION_FAILED error, and a wrong password never puts the file's reminder into the events
 * or the log. Real stores, tampered with raw SQL.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../src/keys/index.js';
import { storeTargets } from '../support/databases.js';
import { rawSql } from '../support/raw-sql.js';
import { alice, backupTo, restoreFrom } from './harness.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const REMINDER = 'the blue notebook, page 12';
const SETTINGS_ID = '{5C2A0F43-5D1B-4B7E-9C1E-111111111111}';

describe.each(storeTargets)('stored bytes on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
    await h.vault.applications.create(appInput('Payroll'), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  const lookup = () => h.vault.lookup.getCredentials('Payroll', bob);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error & { code?: string }) => error.code ?? String(error),
    );

  it('a credential envelope naming another data key version, or none, is DECRYPTION_FAILED', async () => {
    const [row] = await rawSql(h.config, 'select mapping_id, ordinal, ciphertext from credentials');
    const original = Buffer.from(row!.ciphertext as Uint8Array);
    expect(original.subarray(2, 6).toString('ascii')).toBe('dk:1');
    for (const id of ['dk:2', 'dk:0', 'dk:9', 'dk:-', 'dk: ', 'xx:1']) {
      const tampered = Buffer.from(original);
      tampered.write(id, 2, 'ascii');
      await rawSql(h.config, 'update credentials set ciphertext = ? where mapping_id = ?', [tampered, row!.mapping_id]);
      expect(await codeOf(lookup()), id).toBe('DECRYPTION_FAILED');
    }
    // The id length byte pointing past the end, and a truncated envelope.
    for (const tampered of [Buffer.concat([Buffer.from([1, 200]), original.subarray(2, 40)]), original.subarray(0, 20)]) {
      await rawSql(h.config, 'update credentials set ciphertext = ? where mapping_id = ?', [tampered, row!.mapping_id]);
      expect(await codeOf(lookup())).toBe('DECRYPTION_FAILED');
    }
    await rawSql(h.config, 'update credentials set ciphertext = ? where mapping_id = ?', [original, row!.mapping_id]);
    expect((await lookup()).fields[0]!.value).toBe('s3cret');
  });

  it('a config value naming another data key version is DECRYPTION_FAILED', async () => {
    await h.vault.applications.create(
      appInput('Settings', {
        type: 'configStore',
        fields: [
          { ordinal: 0, label: 'Endpoint', masked: false, sync: false },
          { ordinal: 1, label: 'ApiKey', masked: true, sync: false },
        ],
      }),
      admin,
    );
    await h.vault.config.set('Settings', SETTINGS_ID, { Endpoint: 'https://a', ApiKey: 'k1' }, admin);
    const rows = await rawSql(h.config, 'select identifier, ordinal, ciphertext from config_entries order by ordinal');
    for (const row of rows) {
      const tampered = Buffer.from(row.ciphertext as Uint8Array);
      tampered.write('dk:2', 2, 'ascii');
      await rawSql(h.config, 'update config_entries set ciphertext = ? where ordinal = ?', [tampered, row.ordinal]);
    }
    expect(await codeOf(h.vault.config.get('Settings', SETTINGS_ID, 'runtime', admin))).toBe('DECRYPTION_FAILED');
  });

  it('a data key whose envelope names another master secret is DECRYPTION_FAILED for lookups and generate', async () => {
    const [row] = await rawSql(h.config, 'select application_id, msid, wrapped from data_keys');
    const original = Buffer.from(row!.wrapped as Uint8Array);
    expect(original.subarray(2, 2 + original[1]!).toString('ascii')).toBe(row!.msid);
    const tampered = Buffer.from(original);
    tampered[2] = tampered[2] === 0x61 ? 0x62 : 0x61;
    await rawSql(h.config, 'update data_keys set wrapped = ? where application_id = ?', [tampered, row!.application_id]);
    h.vault.dispose();
    expect(await codeOf(lookup())).toBe('DECRYPTION_FAILED');
    const generate = h.service.generate(backupTo(join(h.dir, 'tampered.bak')), alice);
    await expect(generate).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: `the data key of application ${String(row!.application_id)} could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored`,
    });
    const [failed] = await h.store.listEvents({ id: 10526 });
    expect(failed?.params['Error Code']).toBe('DECRYPTION_FAILED');
    await rawSql(h.config, 'update data_keys set wrapped = ? where application_id = ?', [original, row!.application_id]);
    expect((await lookup()).fields[0]!.value).toBe('s3cret');
  });

  it('a wrong password on restore and verify keeps the reminder out of the events and the log, but hands it to the prompt', async () => {
    const file = join(h.dir, 'reminded.bak');
    await h.service.backup(backupTo(file, { reminder: REMINDER }), alice);
    const shown: BackupInfo[] = [];
    const wrong = {
      ...restoreFrom(file, { password: 'amber-falcon-river-42' }),
      password: async (info: BackupInfo) => (shown.push(info), 'amber-falcon-river-42'),
    };
    await expect(h.service.restore(wrong, alice)).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      message: `Failed to restore the master secret from ${file} (the vault was not changed): the password does not open ${file}: enter the password given when this backup was made`,
    });
    await expect(h.service.verify(wrong, alice)).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    expect(shown.map((info) => info.reminder)).toEqual([REMINDER, REMINDER]);

    const events = await h.store.listEvents();
    expect(events.filter((event) => event.id === 10524 || event.id === 10779)).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain(REMINDER);
    const log = await h.readLog();
    expect(log).toContain('the password does not open');
    expect(log).not.toContain(REMINDER);
  });
});
