/**
 * A rotation and an application creator in two real processes: while the rotation's transaction
 * is open (after it listed the data keys, before it commits), the creator's insert of a data key
 * must wait, then be judged against the keyring the rotation committed. Otherwise a key wrapped
 * by a secret the rotation drops could slip in between the listing and the commit.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { distUrl } from '../support/dist.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { sampleApplication, sampleDataKey, sampleVault } from './fixtures.js';
import { runWorker } from './run-worker.js';

/**
 * Runs in the child: opens the store (migrations need the write lock, so before the rotation
 * starts), says so, waits for the go, marks the moment it tries, then creates application B.
 */
const CREATOR = `
const { existsSync, writeFileSync } = await import('node:fs');
const { openStore } = await import(process.env.STORE_MODULE);
const store = await openStore(JSON.parse(process.env.STORE_CONFIG));
const [app, key] = JSON.parse(process.env.RECORDS);
key.wrapped = Buffer.from(key.wrapped, 'base64');
let outcome = 'created';
try {
  writeFileSync(process.env.DIR + '/ready', '');
  while (!existsSync(process.env.DIR + '/go')) await new Promise((r) => setTimeout(r, 5));
  writeFileSync(process.env.DIR + '/trying', '');
  await store.createApplication(app, key);
} catch (error) {
  outcome = error.code ?? String(error);
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify({ outcome, at: Date.now() }));
`;

let storeModule: string;
beforeAll(() => {
  storeModule = distUrl('store/index.js');
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storeTargets)('a rotation and a creator in two processes on $name', (target) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await store?.close();
    await database?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds a new data key off until the rotation commits, then refuses one under a dropped secret', { timeout: 60_000 }, async () => {
    database = await target.create();
    dir = await mkdtemp(join(tmpdir(), 'tessera-rotation-race-'));
    store = await openStore(database.config);
    await store.createVault(sampleVault()); // current msid-1
    const a = await store.createApplication(sampleApplication('A'), sampleDataKey('app-a'));

    const b = sampleApplication('B');
    const bKey = { ...sampleDataKey(b.id), wrapped: sampleDataKey(b.id).wrapped.toString('base64') };
    let settled = false;
    const creator = runWorker<{ outcome: string; at: number }>(CREATOR, {
      STORE_MODULE: storeModule,
      STORE_CONFIG: JSON.stringify(database.config),
      RECORDS: JSON.stringify([b, bKey]),
      DIR: dir,
    });
    void creator.finally(() => (settled = true)).catch(() => {});
    const waitFor = async (name: string) => {
      while (!existsSync(join(dir!, name)) && !settled) await sleep(5);
    };
    await waitFor('ready');
    let listed: string[] = [];

    const committed = await store.rotateKeyring(1, async (keys) => {
      listed = keys.map((key) => key.applicationId);
      await writeFile(join(dir!, 'go'), '');
      await waitFor('trying');
      // Long enough for an insert that is not held off to have committed.
      await sleep(1_000);
      expect(settled, 'the creator inserted while the rotation was open').toBe(false);
      // This rotation re-wraps A and keeps only msid-2: msid-1 is dropped.
      return {
        keyring: { vaultId: 'vault-1', sealedKeyring: Buffer.from('k2'), currentMsid: 'msid-2', previousMsid: null, updatedAt: '2024-06-01T00:00:00.000Z' },
        msids: ['msid-2'],
        rewrapped: keys.map((key) => ({ ...key, msid: 'msid-2' })),
      };
    });
    const committedAt = Date.now();

    const result = await creator;
    expect(listed).toEqual([a.id]);
    expect(committed.currentMsid).toBe('msid-2');
    expect(result.outcome).toBe('KEYRING_CHANGED');
    expect(result.at).toBeGreaterThanOrEqual(committedAt - 50);
    expect((await store.listDataKeys()).map((key) => `${key.applicationId}:${key.msid}`)).toEqual([`${a.id}:msid-2`]);
  });
});
