import { spawn } from 'node:child_process';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distFile } from './dist.js';
import { type StoreTarget, storeTargets } from './databases.js';

/** Argon2id at its floor: the suites test behaviour, the benchmark measures the default. */
export const FAST_KDF = 'memoryKiB=8192,iterations=1,parallelism=1';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment (merged over the vault's). */
  env?: Record<string, string>;
  /** Written to standard input, then closed. */
  input?: string;
  /** Run as this uid/gid (tests run as root in CI; permission tests need someone else). */
  uid?: number;
  gid?: number;
  cwd?: string;
}

/** One event as `tessera events --json` prints it. */
export interface CliEvent {
  id: number;
  symbol: string;
  severity: string;
  time: string;
  params: Record<string, string>;
  message: string;
}

/** A vault home for one test: a temp directory, and for PostgreSQL a schema of its own. */
export interface TestVault {
  store: StoreTarget['name'];
  home: string;
  env: Record<string, string>;
  /** Runs `tessera ARGS` (or another bin) against this vault as a real child process. */
  tessera(args: string[], options?: RunOptions): Promise<CliResult>;
  ssoconfig(args: string[], options?: RunOptions): Promise<CliResult>;
  /** The vault's events, parsed from `tessera events --json`. */
  events(id?: number): Promise<CliEvent[]>;
  cleanup(): Promise<void>;
}

export async function createTestVault(target: StoreTarget): Promise<TestVault> {
  const root = await mkdtemp(join(tmpdir(), `tessera-${target.name}-`));
  await chmod(root, 0o755);
  const home = join(root, 'home');
  const database = await target.create();
  const env: Record<string, string> = { TESSERA_HOME: home, TESSERA_BACKUP_KDF: FAST_KDF };
  if (database.config.kind === 'postgres') {
    env.TESSERA_DATABASE_URL = database.config.url;
    if (database.config.schema) env.TESSERA_DATABASE_SCHEMA = database.config.schema;
  }
  const vault: TestVault = {
    store: target.name,
    home,
    env,
    tessera: (args, options = {}) => runBin('cli/tessera.js', args, { ...options, env: { ...env, ...options.env } }),
    ssoconfig: (args, options = {}) => runBin('cli/ssoconfig.js', args, { ...options, env: { ...env, ...options.env } }),
    async events(id) {
      const result = await vault.tessera(['events', '--json', ...(id === undefined ? [] : ['--id', String(id)])]);
      if (result.code !== 0) throw new Error(`tessera events failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as CliEvent[];
    },
    async cleanup() {
      await database.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
  return vault;
}

/** Runs a compiled bin with a clean environment (no TESSERA_* leaking in from the developer's shell). */
export function runBin(bin: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [distFile(bin), ...args], {
      env: { ...baseEnv, ...options.env },
      cwd: options.cwd ?? tmpdir(),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A command may refuse its input before reading it all: its early exit is not the test's failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export { storeTargets };
