import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { PASSWORD, alice, backupTo, createHarness, restoreFrom, type Harness } from './harness.js';

describe.each(storeTargets)('master secret lifecycle on $name', (target) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(target);
  });
  afterEach(async () => {
    await h.close();
  });

  const eventsOf = async (id: number) => (await h.store.listEvents({ id })).map((e) => e.params);

  it('creates a vault once, and refuses to touch it again', async () => {
    const created = await h.service.init(alice);
    await expect(h.service.init(alice)).rejects.toMatchObject({ code: 'VAULT_EXISTS', message: expect.stringContaining('nothing was changed') as string });
    const status = await h.service.status();
    expect(status).toMatchObject({ vaultId: created.vaultId, currentMsid: created.currentMsid, previousMsid: null, backupRequired: true, backups: [] });
    expect(status.current.createdBy).toBe('HOST\\alice');
  });

  it('records a verified backup and emits 10559 with its parameters', async () => {
    const { currentMsid } = await h.service.init(alice);
    const file = join(h.dir, 'a.bak');
    await h.service.backup(backupTo(file, { reminder: 'tractor' }), alice);
    const status = await h.service.status();
    expect(status.backupRequired).toBe(false);
    expect(status.backups).toEqual([expect.objectContaining({ file, msid: currentMsid, kind: 'backup', clientUser: 'HOST\\alice', coversCurrent: true })]);
    expect(await eventsOf(10559)).toEqual([
      { 'File Name': file, 'Current MSID': currentMsid, 'Previous MSID': '', 'Client User': 'HOST\\alice', 'Client Computer': 'HOST' },
    ]);
  });

  it('generates a new current secret only together with its verified backup, keeping the previous one', async () => {
    const { currentMsid: first } = await h.service.init(alice);
    const file = join(h.dir, 'gen.bak');
    const generated = await h.service.generate(backupTo(file), alice);
    expect(generated.previousMsid).toBe(first);
    const status = await h.service.status();
    expect(status).toMatchObject({ currentMsid: generated.currentMsid, previousMsid: first, backupRequired: false });
    expect((await eventsOf(10525)).at(-1)).toMatchObject({ MSID: generated.currentMsid, 'Client User': 'HOST\\alice', 'Tracking ID': generated.trackingId });
    const verified = await h.service.verify(restoreFrom(file), alice);
    expect(verified).toMatchObject({ currentMsid: generated.currentMsid, previousMsid: first, coversCurrent: true });
  });

  it('leaves the current secret in place when the backup of a new one cannot be written (10560 and 10526)', async () => {
    const { currentMsid } = await h.service.init(alice);
    const file = join(h.dir, 'missing-dir', 'gen.bak');
    await expect(h.service.generate(backupTo(file), alice)).rejects.toMatchObject({
      code: 'ENOENT',
      message: `Failed to back up the master secret to ${file}: directory ${join(h.dir, 'missing-dir')} does not exist: create it or choose another path`,
    });
    expect((await h.service.status()).currentMsid).toBe(currentMsid);
    expect(await eventsOf(10560)).toEqual([
      { 'File Name': file, 'Current MSID': currentMsid, 'Previous MSID': '', 'Client User': 'HOST\\alice', 'Error Code': 'ENOENT' },
    ]);
    expect(await eventsOf(10526)).toEqual([expect.objectContaining({ 'Client User': 'HOST\\alice', 'Error Code': 'ENOENT' })]);
  });

  it('loses no update when two generates race: one wins, the other fails cleanly', async () => {
    await h.service.init(alice);
    const results = await Promise.allSettled([
      h.service.generate(backupTo(join(h.dir, 'g1.bak')), alice),
      h.service.generate(backupTo(join(h.dir, 'g2.bak')), alice),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ code: 'KEYRING_CHANGED' });
    const status = await h.service.status();
    expect(status.currentMsid).toBe((won[0] as PromiseFulfilledResult<{ currentMsid: string }>).value.currentMsid);
  });

  it('restores onto an empty home, rebuilding the vault with a new seal key', async () => {
    const { vaultId, currentMsid } = await h.service.init(alice);
    const file = join(h.dir, 'a.bak');
    await h.service.backup(backupTo(file), alice);
    const other = await createHarness(target);
    try {
      const restored = await other.service.restore(restoreFrom(file), alice);
      expect(restored).toMatchObject({ vaultId, currentMsid, createdVault: true, newSealKey: true });
      expect(await other.service.status()).toMatchObject({ vaultId, currentMsid, backupRequired: false });
      expect((await other.store.listEvents({ id: 10523 })).map((e) => e.params['File Name'])).toEqual([file]);
    } finally {
      await other.close();
    }
  });

  it('re-seals the keyring when the seal key was lost', async () => {
    const { currentMsid } = await h.service.init(alice);
    const file = join(h.dir, 'a.bak');
    await h.service.backup(backupTo(file), alice);
    rmSync(h.sealKeyFile);
    await expect(h.service.status()).rejects.toMatchObject({ code: 'SEAL_KEY_MISSING' });
    const restored = await h.service.restore(restoreFrom(file), alice);
    expect(restored).toMatchObject({ createdVault: false, newSealKey: true, currentMsid });
    expect((await h.service.status()).currentMsid).toBe(currentMsid);
  });

  it('refuses a stale backup unless forced, and a forced one keeps the newer secret as previous', async () => {
    await h.service.init(alice);
    const old = join(h.dir, 'old.bak');
    await h.service.backup(backupTo(old), alice);
    const generated = await h.service.generate(backupTo(join(h.dir, 'new.bak')), alice);
    await expect(h.service.restore(restoreFrom(old), alice)).rejects.toMatchObject({ code: 'STALE_BACKUP' });
    expect((await h.service.status()).currentMsid).toBe(generated.currentMsid);
    const forced = await h.service.restore(restoreFrom(old, { force: true }), alice);
    expect(forced.currentMsid).toBe(generated.previousMsid);
    expect(forced.msids).toContain(generated.currentMsid);
  });

  it("refuses another vault's backup unless forced", async () => {
    await h.service.init(alice);
    const other = await createHarness(target);
    try {
      const foreign = await other.service.init(alice);
      const file = join(h.dir, 'foreign.bak');
      await other.service.backup(backupTo(file), alice);
      await expect(h.service.restore(restoreFrom(file), alice)).rejects.toMatchObject({
        code: 'FOREIGN_VAULT',
        message: expect.stringContaining(`the backup belongs to vault ${foreign.vaultId}`) as string,
      });
      await expect(h.service.verify(restoreFrom(file), alice)).rejects.toMatchObject({ code: 'FOREIGN_VAULT' });
      expect((await h.service.restore(restoreFrom(file, { force: true }), alice)).vaultId).toBe(foreign.vaultId);
    } finally {
      await other.close();
    }
  });

  it('nags with 10589 at start and then once a day, until the current secret is backed up', async () => {
    await h.service.init(alice);
    expect(await h.service.remindBackupIfNeeded({ atStart: true })).toBe(true);
    h.clock.now = new Date('2026-11-25T20:00:00Z');
    expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(false);
    h.clock.now = new Date('2026-11-26T10:00:01Z');
    expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(true);
    expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(false);
    await h.reopen();
    expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(false); // a restart does not reset the day
    await h.service.backup(backupTo(join(h.dir, 'a.bak')), alice);
    expect(await h.service.remindBackupIfNeeded({ atStart: true })).toBe(false);
    expect(await h.store.listEvents({ id: 10589 })).toHaveLength(2);
  });

  it('keeps the master secret to SSO administrators, and a refused backup still emits 10560', async () => {
    const { currentMsid } = await h.service.init(alice);
    const bob = { name: 'CORP\\bob', groups: ['CORP\\Payroll Admins'] };
    const file = join(h.dir, 'bob.bak');
    await expect(h.service.backup(backupTo(file), bob)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(h.service.generate(backupTo(file), bob)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(existsSync(file)).toBe(false);
    expect((await eventsOf(10560)).at(0)).toMatchObject({ 'Client User': 'CORP\\bob', 'Error Code': 'ACCESS_DENIED', 'Current MSID': currentMsid });
    await h.store.updateGlobalInfo({ ssoAdminAccounts: ['CORP\\SSO Admins'] });
    await h.service.backup(backupTo(file), { name: 'CORP\\carol', groups: ['CORP\\SSO Admins'] });
    expect(existsSync(file)).toBe(true);
  });

  it('never writes a password or key material to the events or the log', async () => {
    await h.service.init(alice);
    const file = join(h.dir, 'a.bak');
    await h.service.backup(backupTo(file, { reminder: 'hint' }), alice);
    await h.service.restore(restoreFrom(file, { password: 'a wrong password for once' }), alice).catch(() => undefined);
    await h.service.backup(backupTo(join(h.dir, 'b.bak'), { password: 'short' }), alice).catch(() => undefined);
    await h.service.generate(backupTo(join(h.dir, 'g.bak')), alice);
    const seal = readFileSync(h.sealKeyFile).subarray(8);
    const everything = JSON.stringify(await h.store.listEvents()) + (await h.readLog());
    for (const secret of [PASSWORD, 'a wrong password for once', 'short"', seal.toString('hex'), seal.toString('base64')]) {
      expect(everything).not.toContain(secret);
    }
    expect(existsSync(file)).toBe(true);
  });
});
