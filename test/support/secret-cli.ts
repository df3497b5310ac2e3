/**
 * Small helpers the master-secret CLI fault suites share: password files, `secret status`,
 * event lookups and the principal names the CLI reports.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { CliResult, RunOptions, TestVault } from './cli.js';

/** A password the policy accepts. */
export const GOOD_PASSWORD = 'violet-tundra-copper-91';

/** `HOST\user`, as the CLI names the local user in events. */
export const clientUser = (user: string) => `${hostname()}\\${user}`;

export interface StatusJson {
  vaultId: string;
  store: string;
  seal: string;
  currentMsid: string;
  previousMsid: string | null;
  current: { msid: string; createdAt: string; createdBy: string };
  previous: Array<{ msid: string; createdAt: string; createdBy: string }>;
  backupRequired: boolean;
  backups: Array<{
    vaultId: string;
    file: string;
    kind: 'backup' | 'verify';
    msid: string;
    msids: string[];
    verifiedAt: string;
    clientUser: string;
    coversCurrent: boolean;
  }>;
}

export type VaultEvent = Awaited<ReturnType<TestVault['events']>>[number];

/** Writes a password file (no trailing newline unless given) readable by everyone: permission tests run as nobody. */
export async function writePasswordFile(path: string, password: string): Promise<string> {
  await writeFile(path, password, 'utf8');
  await chmod(path, 0o644);
  return path;
}

/** Fails the test with the CLI's own words when a command that should work does not. */
export function expectSuccess(result: CliResult, what: string): CliResult {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code} (signal ${result.signal}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

export async function secretStatus(vault: TestVault, options: RunOptions = {}): Promise<StatusJson> {
  const result = expectSuccess(await vault.tessera(['secret', 'status', '--json'], options), 'tessera secret status');
  return JSON.parse(result.stdout) as StatusJson;
}

/** The vault's events, read as `options` (uid) says. */
export async function listEvents(vault: TestVault, options: RunOptions = {}): Promise<VaultEvent[]> {
  const result = expectSuccess(await vault.tessera(['events', '--json'], options), 'tessera events');
  return JSON.parse(result.stdout) as VaultEvent[];
}
