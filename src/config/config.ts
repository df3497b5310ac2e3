import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fail } from '../errors/index.js';
import { DEFAULT_KDF, type KdfParameters, kdfParametersProblem } from '../keys/index.js';
import type { StoreConfig } from '../store/index.js';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from '../server/settings.js';

/** Everything Tessera is told from outside, parsed once at the edge and frozen. */
export interface TesseraConfig {
  /** Where the embedded default lives: database, seal key, log. */
  readonly home: string;
  readonly database: StoreConfig;
  readonly sealKeyFile: string;
  /** Path of the JSON log, or null for standard error. */
  readonly logFile: string | null;
  readonly kdf: Readonly<KdfParameters>;
  readonly computerName: string;
  readonly osUser: string;
  /** Testing only: the process kills itself with SIGKILL when it reaches this step. */
  readonly crashAtStep: string | undefined;
  /** What `tessera serve` listens on and how it authenticates. */
  readonly server: ServerSettings;
}

export const DEFAULT_HOME = join(homedir(), '.tessera');

/** The environment variables Tessera reads; documented in docs/configuration.md. */
export const ENVIRONMENT = {
  TESSERA_HOME: 'Directory of the embedded default (database, seal key, log). Default ~/.tessera.',
  TESSERA_DATABASE_URL: 'postgres://user@host:port/db selects PostgreSQL; unset means the SQLite file <home>/tessera.db.',
  TESSERA_DATABASE_SCHEMA: "PostgreSQL schema to use (created if missing). Default: the server's search_path.",
  TESSERA_SEAL_KEY_FILE: 'Seal key file. Default <home>/seal.key.',
  TESSERA_LOG_FILE: 'JSON log file, or "-" for standard error. Default <home>/tessera.log.',
  TESSERA_BACKUP_KDF: 'Argon2id parameters for new backups, e.g. "memoryKiB=262144,iterations=4,parallelism=4".',
  TESSERA_TEST_CRASH_AT: 'Testing only: kill the process with SIGKILL at the named step.',
} as const;

type Environment = Partial<Record<keyof typeof ENVIRONMENT, string>>;

export function loadConfig(flags: { home?: string | undefined }, env: Environment, cwd = process.cwd()): TesseraConfig {
  const home = resolve(cwd, flags.home ?? nonEmpty(env.TESSERA_HOME) ?? DEFAULT_HOME);
  const path = (value: string | undefined, fallback: string) => (value ? resolve(cwd, value) : join(home, fallback));
  const log = nonEmpty(env.TESSERA_LOG_FILE);
  return Object.freeze({
    home,
    database: databaseConfig(env, home),
    sealKeyFile: path(nonEmpty(env.TESSERA_SEAL_KEY_FILE), 'seal.key'),
    logFile: log === '-' ? null : path(log, 'tessera.log'),
    kdf: Object.freeze(kdfConfig(env.TESSERA_BACKUP_KDF)),
    computerName: hostname(),
    osUser: userInfo().username,
    crashAtStep: nonEmpty(env.TESSERA_TEST_CRASH_AT),
    server: DEFAULT_SERVER_SETTINGS,
  });
}

function databaseConfig(env: Environment, home: string): StoreConfig {
  const url = nonEmpty(env.TESSERA_DATABASE_URL);
  if (!url) return { kind: 'sqlite', file: join(home, 'tessera.db') };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw fail('INVALID_ARGUMENT', 'TESSERA_DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite file)');
  }
  const schema = nonEmpty(env.TESSERA_DATABASE_SCHEMA);
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw fail('INVALID_ARGUMENT', `TESSERA_DATABASE_SCHEMA "${schema}" is not a plain identifier (letters, digits, underscore)`);
  }
  return schema ? { kind: 'postgres', url, schema } : { kind: 'postgres', url };
}

function kdfConfig(text: string | undefined): KdfParameters {
  if (!nonEmpty(text)) return { ...DEFAULT_KDF };
  const parameters: KdfParameters = { ...DEFAULT_KDF };
  for (const part of text!.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name !== 'memoryKiB' && name !== 'iterations' && name !== 'parallelism') {
      throw fail('INVALID_ARGUMENT', `TESSERA_BACKUP_KDF: unknown parameter "${name}" (use memoryKiB, iterations, parallelism)`);
    }
    parameters[name] = Number(value);
  }
  const problem = kdfParametersProblem(parameters);
  if (problem) throw fail('INVALID_ARGUMENT', `TESSERA_BACKUP_KDF: ${problem}`);
  return parameters;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function absolutePath(path: string, cwd = process.cwd()): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
