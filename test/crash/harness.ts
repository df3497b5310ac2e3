/**
 * Helpers for the crash suite: the step lists, a workspace (vault + a directory for backup
 * files + a password file + an earlier good backup), and the checks every crash shares.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, type RunOptions, type TestVault, createTestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';

/** Every durable step of writing a backup file, in the order the writer reaches them. */
export const BACKUP_STEPS = [
  'backup:temp-created',
  'backup:temp-written',
  'backup:temp-synced',
  'backup:verified',
  'backup:linked', // only without --force
  'backup:committed',
  'backup:directory-synced',
] as const;

/** `--force` replaces the target by rename: there is no link step. */
export const FORCE_BACKUP_STEPS = BACKUP_STEPS.filter((step) => step !== 'backup:linked');

/**
 * `secret generate --backup FILE`: the backup is written first, then the data keys are re-wrapped
 * and the keyring swapped in one transaction (rewrapped: inside it, before the commit).
 */
export const GENERATE_STEPS = [...BACKUP_STEPS, 'generate:backup-written', 'generate:rewrapped', 'generate:committed'] as const;

export const RESTORE_STEPS = ['restore:decrypted', 'restore:sealed', 'restore:committed'] as const;

/** Meets the password policy (12+ characters, not a run, not common). */
export const PASSWORD = 'violet-harbour-lamp-77';

/** The writer's temp files: a short fixed-length name that never derives from the target's. */
export const TEMP_NAME = /^\.tessera-[0-9a-f]{16}\.tmp$/;

/** True when `step` comes at or after `from` in `steps`: the crash happened after that point. */
export function atOrAfter(steps: readonly string[], step: string, from: string): boolean {
  const at = steps.indexOf(step);
  const boundary = steps.indexOf(from);
  if (at < 0 || boundary < 0) throw new Error(`unknown step ${at < 0 ? step : from}`);
  return at >= boundary;
}

/** A file name made from a step name. */
export const slug = (step: string) => step.replace(/[^a-z0-9]+/gi, '-');

export interface StatusJson {
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  current: { msid: string };
  previous: Array<{ msid: string }>;
  backupRequired: boolean;
  backups: Array<{ file: string; msids: string[]; kind: string }>;
}

export interface KeyringJson {
  file: string;
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
}

export interface RestoreJson extends KeyringJson {
  createdVault: boolean;
  newSealKey: boolean;
}

/** What a vault holds, as the CLI shows it: its id and its MSIDs, current first. */
export interface KeyringView {
  vaultId: string;
  msids: string[];
}

export function viewOfStatus(status: StatusJson): KeyringView {
  expect(status.currentMsid).toBe(status.current.msid);
  expect(status.previousMsid).toBe(status.previous[0]?.msid ?? null);
  return { vaultId: status.vaultId, msids: [status.current.msid, ...status.previous.map((secret) => secret.msid)] };
}

export function viewOf(result: KeyringJson): KeyringView {
  expect(result.currentMsid).toBe(result.msids[0]);
  expect(result.previousMsid).toBe(result.msids[1] ?? null);
  return { vaultId: result.vaultId, msids: result.msids };
}

export function describeResult(result: CliResult): string {
  return `code=${String(result.code)} signal=${String(result.signal)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

/** The child must have died by SIGKILL: proof that the step was reached (a missed step fails here). */
export function expectKilledAt(result: CliResult, step: string): void {
  if (result.signal !== 'SIGKILL') {
    throw new Error(`expected the process to be killed at ${step}, but it was not (the step was never reached?)\n${describeResult(result)}`);
  }
  expect(result.code).toBeNull();
}

export function expectOk(result: CliResult): void {
  if (result.code !== 0 || result.signal !== null) throw new Error(`expected success\n${describeResult(result)}`);
}

export function parseJson<T>(result: CliResult): T {
  expectOk(result);
  return JSON.parse(result.stdout) as T;
}

/** A vault, a directory for its backup files and an earlier good backup `old.bak`. */
export interface Workspace {
  vault: TestVault;
  /** Where backup files are written. */
  dir: string;
  passwordFile: string;
  oldBak: string;
  oldBytes: Buffer;
  /** The keyring `old.bak` holds (the vault's right after init). */
  oldView: KeyringView;
  run(args: string[], options?: RunOptions & { crashAt?: string }): Promise<CliResult>;
  status(): Promise<StatusJson>;
  /** `tessera secret verify FILE --json`; fails the test unless the file verifies. */
  verify(file: string): Promise<KeyringJson>;
  /** Throws unless old.bak is byte for byte what it was. */
  checkOldBackup(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createWorkspace(target: StoreTarget, options: { init?: boolean } = {}): Promise<Workspace> {
  const vault = await createTestVault(target);
  const dir = join(dirname(vault.home), 'files');
  await mkdir(dir, { recursive: true });
  const passwordFile = join(dirname(vault.home), 'password.txt');
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const oldBak = join(dir, 'old.bak');
  const run: Workspace['run'] = (args, { crashAt, ...rest } = {}) =>
    vault.tessera(args, { ...rest, env: { ...rest.env, ...(crashAt ? { TESSERA_TEST_CRASH_AT: crashAt } : {}) } });
  const workspace: Workspace = {
    vault,
    dir,
    passwordFile,
    oldBak,
    oldBytes: Buffer.alloc(0),
    oldView: { vaultId: '', msids: [] },
    run,
    async status() {
      return parseJson<StatusJson>(await run(['secret', 'status', '--json']));
    },
    async verify(file) {
      return parseJson<KeyringJson>(await run(['secret', 'verify', file, '--password-file', passwordFile, '--json']));
    },
    async checkOldBackup() {
      const now = await readFile(oldBak);
      if (!now.equals(workspace.oldBytes)) throw new Error(`${oldBak} changed: ${workspace.oldBytes.length} bytes before, ${now.length} now`);
    },
    cleanup: () => vault.cleanup(),
  };
  if (options.init !== false) {
    const init = parseJson<{ vaultId: string; currentMsid: string }>(await run(['init', '--json']));
    const backup = parseJson<KeyringJson>(await run(['secret', 'backup', oldBak, '--password-file', passwordFile, '--json']));
    expect(backup.vaultId).toBe(init.vaultId);
    workspace.oldView = viewOf(backup);
    expect(workspace.oldView.msids).toEqual([init.currentMsid]);
    workspace.oldBytes = await readFile(oldBak);
  }
  return workspace;
}

/** The entries of a directory with their sizes. */
export async function listDir(dir: string): Promise<Map<string, number>> {
  const entries = new Map<string, number>();
  for (const name of await readdir(dir)) entries.set(name, (await stat(join(dir, name))).size);
  return entries;
}

export async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * What appeared in the backup directory between two listings, apart from the target: only
 * the writer's temp files may appear, never named like the target. Returns them (name, size).
 */
export function newTempFiles(before: Map<string, number>, after: Map<string, number>, targetName: string): Array<[string, number]> {
  const appeared = [...after].filter(([name]) => !before.has(name) && name !== targetName);
  for (const [name] of appeared) {
    expect(name, `unexpected file ${name} beside the target ${targetName}`).toMatch(TEMP_NAME);
    expect(name.includes(targetName)).toBe(false);
    expect(name.replace(/^\./, '').startsWith(targetName)).toBe(false);
  }
  for (const name of before.keys()) expect(after.has(name), `${name} disappeared`).toBe(true);
  return appeared;
}

/** One row of the coverage matrix printed at the end of the run. */
export interface CrashRecord {
  store: string;
  operation: string;
  step: string;
  /** What was expected and checked afterwards. */
  outcome: string;
  /** Temp files the crash left beside the target (null: the operation writes no file). */
  leftovers: Array<[string, number]> | null;
  ms: number;
}

export function formatMatrix(records: CrashRecord[]): string {
  const rows = [...records].sort((a, b) => a.store.localeCompare(b.store) || a.operation.localeCompare(b.operation));
  const width = (pick: (r: CrashRecord) => string) => Math.max(...rows.map((r) => pick(r).length));
  const w = [width((r) => r.store), width((r) => r.operation), width((r) => r.step), width((r) => r.outcome)];
  return rows
    .map((r) =>
      [
        r.store.padEnd(w[0]!),
        r.operation.padEnd(w[1]!),
        r.step.padEnd(w[2]!),
        r.outcome.padEnd(w[3]!),
        r.leftovers === null
          ? '-'
          : r.leftovers.length === 0
            ? 'no temp left'
            : `temp left: ${r.leftovers.map(([name, size]) => `${name} (${size} B)`).join(', ')}`,
        r.ms ? `${r.ms} ms` : '',
      ].join('  '),
    )
    .join('\n');
}
