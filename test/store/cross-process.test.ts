/**
 * Two real processes open the same fresh database at the same moment (racing the
 * migrations and createVault), then each makes 50 compare-and-swap keyring updates,
 * retrying on KEYRING_CHANGED. No update may be lost: the final generation is 1 + 100.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { distUrl } from '../support/dist.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { runWorker } from './run-worker.js';

const UPDATES_PER_PROCESS = 50;

/** Runs in each child: plain ESM against the compiled store. */
const WORKER = `
const { openStore } = await import(process.env.STORE_MODULE);
const config = JSON.parse(process.env.STORE_CONFIG);
const updates = Number(process.env.UPDATES);
// Start together so both race the migrations on the fresh database.
while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 1));

const store = await openStore(config);
let created = false;
let retries = 0;
try {
  try {
    await store.createVault({
      vaultId: 'vault-1', createdAt: new Date().toISOString(), createdBy: 'worker ' + process.pid,
      sealedKeyring: Buffer.from('initial'), currentMsid: 'msid-0', previousMsid: null,
    });
    created = true;
  } catch (error) {
    if (error.code !== 'VAULT_EXISTS') throw error;
  }
  for (let done = 0; done < updates; ) {
    const vault = await store.getVault();
    try {
      await store.updateKeyring(vault.generation, {
        vaultId: vault.vaultId, sealedKeyring: Buffer.from('keyring ' + process.pid + ' ' + done),
        currentMsid: 'msid-' + (vault.generation + 1), previousMsid: vault.currentMsid,
        updatedAt: new Date().toISOString(),
      });
      done++;
    } catch (error) {
      if (error.code !== 'KEYRING_CHANGED') throw error;
      retries++;
    }
  }
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify({ created, retries }));
`;

interface WorkerResult {
  created: boolean;
  retries: number;
}

let storeModule: string;

beforeAll(() => {
  storeModule = distUrl('store/index.js');
}, 60_000);

describe.each(storeTargets)('two processes on one $name database', (target) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.cleanup();
  });

  it('lose no compare-and-swap update', { timeout: 60_000 }, async () => {
    database = await target.create();
    const env = {
      STORE_MODULE: storeModule,
      STORE_CONFIG: JSON.stringify(database.config),
      UPDATES: String(UPDATES_PER_PROCESS),
      // Far enough ahead for both children to boot and import the store first.
      START_AT: String(Date.now() + 1_500),
    };
    const results = await Promise.all([runWorker<WorkerResult>(WORKER, env), runWorker<WorkerResult>(WORKER, env)]);

    expect(results.filter((result) => result.created)).toHaveLength(1);
    const store = await openStore(database.config);
    try {
      expect((await store.getVault())?.generation).toBe(1 + 2 * UPDATES_PER_PROCESS);
    } finally {
      await store.close();
    }
  });
});
