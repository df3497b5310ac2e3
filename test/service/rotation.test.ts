/**
 * Master secret rotation never strands a data key: generate re-wraps with the whole keyring and
 * drops a secret only once no data key refers to it, whatever restores and concurrent writers
 * did before. Real stores (SQLite file, PostgreSQL), real key file, real backups.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Keyring, disposeKeyring, keyFileSealSource, unsealKeyring } from '../../src/keys/index.js';
import { newDataKey } from '../../src/vault/index.js';
import { storeTargets } from '../support/databases.js';
import { PASSWORD, alice, backupTo, restoreFrom } from './harness.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');

describe.each(storeTargets)('master secret rotation on $name', (target) => {
  let h: VaultHarness;
  let file = 0;
  const nextBackup = () => backupTo(join(h.dir, `b${++file}.bak`));

  beforeEach(async () => {
    h = await createVaultHarness(target);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  /** An enabled application `name` with bob mapped and a password set. */
  async function application(name: string, password = `${name}-pw`): Promise<void> {
    await h.vault.applications.create(appInput(name), admin);
    await h.vault.applications.setEnabled(name, true, admin);
    await h.vault.mappings.create(name, 'CORP\\bob', `bob-${name}`, admin);
    await h.vault.mappings.setCredentials(name, 'CORP\\bob', [password], admin);
  }
  const passwordOf = async (name: string) => (await h.vault.lookup.getCredentials(name, bob)).fields[0]!.value;

  /** The keyring as a writer that read it now holds it (the caller disposes it). */
  async function keyringNow(): Promise<Keyring> {
    const vault = (await h.store.getVault())!;
    const seal = keyFileSealSource(h.sealKeyFile).open();
    try {
      return unsealKeyring(seal, vault.sealedKeyring, vault.vaultId);
    } finally {
      seal.dispose();
    }
  }

  /** Creates application `name` with a data key wrapped by `keyring`'s current secret, as a creator holding it would. */
  async function createWith(keyring: Keyring, name: string) {
    const id = randomUUID();
    const { record, key } = newDataKey(id, keyring.current, h.clock.now);
    key.key.fill(0);
    return h.store.createApplication({ ...appInput(name), id, createdAt: h.clock.now.toISOString() }, record);
  }

  async function expectEveryKeyWrappedByCurrent(): Promise<void> {
    const vault = (await h.store.getVault())!;
    expect((await h.store.listDataKeys()).map((key) => key.msid)).toEqual((await h.store.listDataKeys()).map(() => vault.currentMsid));
  }

  it('generate after a forced restore of an older backup re-wraps with the whole keyring, then drops what nothing uses', async () => {
    const s1 = (await h.service.status()).currentMsid;
    const old = join(h.dir, 'old.bak');
    await h.service.backup(backupTo(old), alice);
    await application('Payroll');
    const s2 = (await h.service.generate(nextBackup(), alice)).currentMsid;
    // old.bak lacks S2, the secret that now wraps Payroll's data key; the restore keeps S2 as a previous one.
    const restored = await h.service.restore(restoreFrom(old, { force: true }), alice);
    expect(restored.msids).toEqual([s1, s2]);

    const generated = await h.service.generate(nextBackup(), alice);
    expect(generated.msids).toEqual([generated.currentMsid, s1]);
    await expectEveryKeyWrappedByCurrent();
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
    const status = await h.service.status();
    expect([status.current.msid, ...status.previous.map((secret) => secret.msid)]).toEqual([generated.currentMsid, s1]);

    // And again: nothing is stranded by the pruning either.
    await h.service.generate(nextBackup(), alice);
    await expectEveryKeyWrappedByCurrent();
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
  });

  it('an application created under the secret a generate replaced survives the next generate', async () => {
    await application('Payroll');
    // A creator read the keyring, a generate ran, and only then did the creator insert its data key.
    const creator = await keyringNow();
    try {
      await h.service.generate(nextBackup(), alice);
      await createWith(creator, 'Billing');
    } finally {
      disposeKeyring(creator);
    }
    await h.vault.applications.setEnabled('Billing', true, admin);
    await h.vault.mappings.create('Billing', 'CORP\\bob', 'bob-billing', admin);
    await h.vault.mappings.setCredentials('Billing', 'CORP\\bob', ['billing-pw'], admin);

    const generated = await h.service.generate(nextBackup(), alice);
    expect(generated.msids).toHaveLength(2);
    await expectEveryKeyWrappedByCurrent();
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
    expect(await passwordOf('Billing')).toBe('billing-pw');
  });

  it('refuses a data key wrapped by a secret two rotations old, rather than strand it', async () => {
    await application('Payroll');
    const creator = await keyringNow();
    try {
      await h.service.generate(nextBackup(), alice);
      await h.service.generate(nextBackup(), alice);
      // The creator's secret is no longer in the keyring: its key could never be opened.
      await expect(createWith(creator, 'Billing')).rejects.toMatchObject({
        code: 'KEYRING_CHANGED',
        message: expect.stringContaining(creator.current.msid) as string,
      });
    } finally {
      disposeKeyring(creator);
    }
    expect((await h.store.listApplications()).map((app) => app.name)).toEqual(['Payroll']);
    await h.service.generate(nextBackup(), alice);
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
  });

  it('four concurrent generates: one wins, the others fail with KEYRING_CHANGED, and 10526 names the secret really current', async () => {
    await application('Payroll');
    const before = (await h.service.status()).currentMsid;
    const since = (await h.store.listEvents()).length;
    // Each asks for its password only after reading the keyring: hold all four there, so all
    // four hold the same keyring and race to commit.
    let waiting = 0;
    let release: () => void = () => {};
    const together = new Promise<void>((resolve) => (release = resolve));
    const held = () => ({
      ...nextBackup(),
      password: async () => {
        if (++waiting === 4) release();
        await together;
        return PASSWORD;
      },
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => h.service.generate(held(), alice)));
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; message: string }] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((error) => error.code)).toEqual(['KEYRING_CHANGED', 'KEYRING_CHANGED', 'KEYRING_CHANGED']);
    const winner = won[0]!.currentMsid;
    expect(won[0]!.previousMsid).toBe(before);
    for (const error of lost) expect(error.message).toContain(winner);

    const events = (await h.store.listEvents()).slice(since);
    const failures = events.filter((event) => event.id === 10526);
    expect(failures).toHaveLength(3);
    for (const event of failures) {
      expect(event.params['Error Code']).toBe('KEYRING_CHANGED');
      expect(event.message).toContain(`master secret ${winner} is current`);
    }
    const generated = events.filter((event) => event.id === 10525);
    expect(generated.map((event) => event.params.MSID)).toEqual([winner]);
    expect(generated[0]!.message).toContain(`the previous one (${before}) is kept`);

    await expectEveryKeyWrappedByCurrent();
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
    await h.service.generate(nextBackup(), alice);
    expect(await passwordOf('Payroll')).toBe('Payroll-pw');
  });
});
