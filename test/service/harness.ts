import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createEventEmitter } from '../../src/events/index.js';
import { keyFileSealSource } from '../../src/keys/index.js';
import { type ChangeSignal, createChangeSignal, createSecretService, type Principal, type SecretService } from '../../src/service/index.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import type { StoreTarget } from '../support/databases.js';

export const PASSWORD = 'violet tractor evening lantern';
export const alice: Principal = { name: 'HOST\\alice', localAdministrator: true };

/** A real service on a real store, a real key file and a real pino log file, with a settable clock. */
export interface Harness {
  dir: string;
  /** The database's configuration, for tests that reach behind the store (see support/raw-sql.ts). */
  config: StoreConfig;
  store: Store;
  service: SecretService;
  clock: { now: Date };
  /** Shared by the secret service and (vault-harness.ts) the vault service, as cli/context.ts does. */
  changes: ChangeSignal;
  sealKeyFile: string;
  logFile: string;
  readLog(): Promise<string>;
  /** Reopens the store and service, as a new process would. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(target: StoreTarget): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), `tessera-service-${target.name}-`));
  const database = await target.create();
  const sealKeyFile = join(dir, 'home', 'seal.key');
  const logFile = join(dir, 'tessera.log');
  const logger = pino(pino.destination({ dest: logFile, sync: true }));
  const clock = { now: new Date('2026-11-25T10:00:00Z') };
  const changes = createChangeSignal();
  const build = async () => {
    const store = await openStore(database.config);
    const service = createSecretService({
      store,
      events: createEventEmitter({ sink: store, logger, now: () => clock.now }),
      seal: keyFileSealSource(sealKeyFile),
      kdf: { memoryKiB: 8192, iterations: 1, parallelism: 1 },
      computerName: 'HOST',
      writer: 'tessera test',
      now: () => clock.now,
      changes,
    });
    return { store, service };
  };
  const harness: Harness = {
    dir,
    config: database.config,
    ...(await build()),
    clock,
    changes,
    sealKeyFile,
    logFile,
    readLog: () => readFile(logFile, 'utf8'),
    async reopen() {
      await harness.store.close();
      Object.assign(harness, await build());
    },
    async close() {
      await harness.store.close();
      await database.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const backupTo = (file: string, options: { force?: boolean; reminder?: string | null; password?: string } = {}) => ({
  file,
  force: options.force ?? false,
  reminder: options.reminder ?? null,
  password: async () => options.password ?? PASSWORD,
});

export const restoreFrom = (file: string, options: { force?: boolean; password?: string } = {}) => ({
  file,
  force: options.force ?? false,
  password: async () => options.password ?? PASSWORD,
});
