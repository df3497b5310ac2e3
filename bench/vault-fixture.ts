/**
 * Part 3's wiring: a temporary vault (SQLite file, or a fresh PostgreSQL schema) with the
 * secret service and the vault service on one store, wired as test/service/vault-harness.ts
 * (and src/cli/context.ts) do: openStore, an event emitter with a pino log in a temp file, a
 * key-file seal, createSecretService(...).init(local administrator), createVaultService.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createEventEmitter } from '../src/events/index.js';
import { type KdfParameters, type Keyring, keyFileSealSource, unsealKeyring } from '../src/keys/index.js';
import {
  type Principal,
  type SealSource,
  type SecretService,
  type VaultService,
  createChangeSignal,
  createSecretService,
  createVaultService,
} from '../src/service/index.js';
import { type Store, openStore } from '../src/store/index.js';
import type { ApplicationInput } from '../src/vault/index.js';
import { DEFAULT_FLAGS } from '../src/vault/index.js';

/** The administrator at the server's console: an SSO administrator by definition. */
export const ADMIN: Principal = { name: 'BENCH\\root', localAdministrator: true };

/** Fast Argon2id for part 3 (the floor of KDF_BOUNDS), so rotation time is not all KDF. */
export const FAST_KDF: Readonly<KdfParameters> = Object.freeze({ memoryKiB: 8192, iterations: 1, parallelism: 1 });

export type VaultTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

export interface BenchVault {
  target: VaultTarget;
  store: Store;
  secret: SecretService;
  vault: VaultService;
  /** A second vault service on the same store whose credential cache holds one entry. */
  coldVault: VaultService;
  seal: SealSource;
  /** The unsealed keyring as the store holds it now; the caller disposes it. */
  keyring(): Promise<Keyring>;
  close(): Promise<void>;
}

/**
 * Opens a fresh vault in `directory` (seal key, log; and the SQLite file for a SQLite target)
 * and creates its master secret.
 */
export async function openBenchVault(directory: string, target: VaultTarget, kdf: KdfParameters = FAST_KDF): Promise<BenchVault> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const logger = pino(
    { base: { pid: process.pid, host: 'BENCH' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: join(directory, 'tessera.log'), sync: true, mkdir: true, mode: 0o600 }),
  );
  const store = await openStore(target);
  try {
    const now = () => new Date();
    const events = createEventEmitter({ sink: store, logger, now });
    const seal = keyFileSealSource(join(directory, 'seal.key'));
    const changes = createChangeSignal();
    const secret = createSecretService({ store, events, seal, kdf, computerName: 'BENCH', writer: 'tessera bench', now, changes });
    await secret.init(ADMIN);
    const vault = createVaultService({ store, events, seal, computerName: 'BENCH', now, changes });
    const coldVault = createVaultService({ store, events, seal, computerName: 'BENCH', now, changes, credentialCache: { maxEntries: 1 } });
    return {
      target,
      store,
      secret,
      vault,
      coldVault,
      seal,
      async keyring() {
        const record = await store.getVault();
        if (!record) throw new Error('benchmark vault has no vault row');
        const opened = seal.open();
        try {
          return unsealKeyring(opened, record.sealedKeyring, record.vaultId);
        } finally {
          opened.dispose();
        }
      },
      async close() {
        vault.dispose();
        coldVault.dispose();
        await store.close();
        logger.flush();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** An individual application with a user id and one password field, as the tests' appInput. */
export function benchApplication(name: string, options: { allowTickets?: boolean; users?: string; admins?: string } = {}): ApplicationInput {
  return {
    name,
    type: 'individual',
    description: `${name} back end`,
    contact: 'ops@example.org',
    userAccounts: [options.users ?? 'CORP\\Bench Users'],
    adminAccounts: [options.admins ?? 'CORP\\Bench Admins'],
    windowsAccount: null,
    fields: [
      { ordinal: 0, label: 'User Id', masked: false, sync: false },
      { ordinal: 1, label: 'Password', masked: true, sync: false },
    ],
    flags: { ...DEFAULT_FLAGS, allowTickets: options.allowTickets ?? false },
    ticketTimeoutMinutes: null,
  };
}

/** PostgreSQL for part 3: reachable or not (with why), and fresh schemas dropped at the end. */
export interface PostgresProbe {
  reachable: boolean;
  /** The server without user, password or options. */
  where: string;
  reason?: string;
}

export function describePgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host || 'localhost'}${parsed.pathname}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}

export async function probePostgres(url: string, timeoutMs = 3000): Promise<PostgresProbe> {
  const where = describePgUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return { reachable: true, where };
  } catch (error) {
    return { reachable: false, where, reason: error instanceof Error ? error.message || error.name : String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

export function freshSchemaName(): string {
  return `tessera_bench_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
