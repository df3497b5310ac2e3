import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fail } from '../errors/index.js';
import { DEFAULT_KDF, type KdfParameters, kdfParametersProblem } from '../keys/index.js';
import type { ServerSettings } from '../server/settings.js';
import type { StoreConfig } from '../store/index.js';
import { configFilePath, type FileSettings, parseConfigFile, readConfigFile } from './config-file.js';
import { type Given, type Origin, path, quoted, refuse, text } from './given.js';
import { serverSettings } from './server-settings.js';
import { type ConfigFlags, type Environment, flagName, SETTING_KEYS, SETTINGS, type SettingKey } from './settings.js';

/** Everything Tessera is told from outside, parsed once at the edge and frozen. */
export interface TesseraConfig {
  /** Where the embedded default lives: database, seal key, log, and the configuration file. */
  readonly home: string;
  /** <home>/tessera.toml, whether or not it exists. */
  readonly configFile: string;
  readonly database: StoreConfig;
  readonly sealKeyFile: string;
  /** Path of the JSON log, or null for standard error. */
  readonly logFile: string | null;
  readonly kdf: Readonly<KdfParameters>;
  readonly server: ServerSettings;
  readonly client: ClientSettings;
  /** Where each setting came from, for `ssoconfig -showdb` and messages. */
  readonly sources: Readonly<Record<'home' | SettingKey, SettingSource>>;
  readonly computerName: string;
  readonly osUser: string;
  /** Testing only: the process kills itself with SIGKILL when it reaches this step. */
  readonly crashAtStep: string | undefined;
}

/** The CLIs as clients of a Tessera server. */
export interface ClientSettings {
  /** The server, as an origin: https://host[:port] (or http://). */
  readonly address: string | undefined;
  /** CA bundle to trust for the server's certificate. */
  readonly caFile: string | undefined;
  /** File holding the API token. */
  readonly tokenFile: string | undefined;
  /**
   * TESSERA_TOKEN itself. Not enumerable: JSON.stringify, util.inspect and pino never show it.
   * Read it where it is sent, and nowhere else.
   */
  readonly token: string | undefined;
}

export interface SettingSource {
  readonly origin: Origin;
  /** --home, TESSERA_LISTEN, "/root/.tessera/tessera.toml line 3", or "default". */
  readonly where: string;
}

export const DEFAULT_HOME = join(homedir(), '.tessera');

/** A token is a line of text; anything longer is a pasted file. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Reads flags, then TESSERA_* variables, then <home>/tessera.toml, in that order of precedence,
 * once, into a frozen configuration. A bad flag or variable is INVALID_ARGUMENT, a bad file CONFIG_INVALID.
 */
export function loadConfig(flags: ConfigFlags, env: Environment, cwd = process.cwd()): TesseraConfig {
  const home = homeSetting(flags, env, cwd);
  const file = readConfigFile(home.value);
  const fileSettings = file === undefined ? new Map<SettingKey, Given>() : parseConfigFile(file.path, file.text, home.value);
  const config = buildConfig(home, fileSettings, flags, env, cwd);
  if (file !== undefined && config.sources.database_url.origin === 'file' && (file.stat.mode & 0o044) !== 0 && holdsPassword(config.database)) {
    throw fail(
      'CONFIG_INVALID',
      `${config.sources.database_url.where}: database_url holds a password, and group or others may read ${file.path} ` +
        `(mode ${(file.stat.mode & 0o777).toString(8).padStart(4, '0')}): run chmod 600 ${file.path}`,
    );
  }
  return config;
}

/** The configuration a file's text alone would give (flags and environment aside): checks a file before it is written. */
export function configFromFileText(home: string, path: string, text: string): TesseraConfig {
  return buildConfig({ value: home, source: { origin: 'flag', where: '--home' } }, parseConfigFile(path, text, home), {}, {}, home);
}

/** The home alone, from --home or TESSERA_HOME (the configuration file lives there, so cannot name it). */
export function homeFrom(flags: ConfigFlags, env: Environment, cwd = process.cwd()): string {
  return homeSetting(flags, env, cwd).value;
}

interface HomeSetting {
  value: string;
  source: SettingSource;
}

function homeSetting(flags: ConfigFlags, env: Environment, cwd: string): HomeSetting {
  if (flags.home !== undefined && flags.home !== '') return { value: resolve(cwd, flags.home), source: { origin: 'flag', where: '--home' } };
  const fromEnv = nonEmpty(env.TESSERA_HOME);
  if (fromEnv !== undefined) return { value: resolve(cwd, fromEnv), source: { origin: 'env', where: 'TESSERA_HOME' } };
  return { value: DEFAULT_HOME, source: { origin: 'default', where: 'default' } };
}

function buildConfig(home: HomeSetting, file: FileSettings, flags: ConfigFlags, env: Environment, cwd: string): TesseraConfig {
  const pick = (key: SettingKey): Given | undefined => {
    const flag = key === 'database_url' ? undefined : flags[flagName(key)];
    if (flag !== undefined && flag !== '')
      return { value: flag, origin: 'flag', name: `--${key.replace(/_/g, '-')}`, where: `--${key.replace(/_/g, '-')}`, base: cwd };
    const name = SETTINGS[key].env;
    const fromEnv = nonEmpty(env[name]);
    if (fromEnv !== undefined) return { value: fromEnv, origin: 'env', name, where: name, base: cwd };
    return file.get(key);
  };
  const sources = Object.fromEntries([
    ['home', home.source],
    ...SETTING_KEYS.map((key) => {
      const given = pick(key);
      return [key, given === undefined ? { origin: 'default', where: 'default' } : { origin: given.origin, where: given.where }];
    }),
  ]) as Record<'home' | SettingKey, SettingSource>;
  const pathOr = (key: SettingKey, fallback: string) => {
    const given = pick(key);
    return given === undefined ? join(home.value, fallback) : path(given);
  };
  const log = pick('log_file');
  return Object.freeze({
    home: home.value,
    configFile: configFilePath(home.value),
    database: Object.freeze(databaseConfig(pick, home.value)),
    sealKeyFile: pathOr('seal_key_file', 'seal.key'),
    logFile: log !== undefined && typeof log.value === 'string' && log.value.trim() === '-' ? null : pathOr('log_file', 'tessera.log'),
    kdf: Object.freeze(kdfConfig(pick('backup_kdf'))),
    server: serverSettings(pick),
    client: clientSettings(pick, env),
    sources: Object.freeze(Object.fromEntries(Object.entries(sources).map(([key, source]) => [key, Object.freeze(source)]))) as TesseraConfig['sources'],
    computerName: hostname(),
    osUser: userInfo().username,
    crashAtStep: nonEmpty(env.TESSERA_TEST_CRASH_AT),
  });
}

function databaseConfig(pick: (key: SettingKey) => Given | undefined, home: string): StoreConfig {
  const urlGiven = pick('database_url');
  const schemaGiven = pick('database_schema');
  const schema = schemaGiven === undefined ? undefined : text(schemaGiven);
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw refuse(schemaGiven!, `${quoted(schema)} is not a plain identifier (letters, digits, underscore)`);
  }
  if (urlGiven === undefined) return { kind: 'sqlite', file: join(home, 'tessera.db') };
  // Never quoted back: the URL may hold a password.
  if (typeof urlGiven.value !== 'string') throw refuse(urlGiven, 'must be a string in quotes, like "postgres://tessera@db.example/sso"');
  const url = urlGiven.value.trim();
  if (!/^postgres(ql)?:\/\//.test(url)) throw refuse(urlGiven, 'must start with postgres:// (leave it unset for the embedded SQLite file)');
  return schema === undefined ? { kind: 'postgres', url } : { kind: 'postgres', url, schema };
}

function kdfConfig(given: Given | undefined): KdfParameters {
  const parameters: KdfParameters = { ...DEFAULT_KDF };
  if (given === undefined) return parameters;
  for (const part of text(given).split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name !== 'memoryKiB' && name !== 'iterations' && name !== 'parallelism') {
      throw refuse({ ...given, name: `${given.name}:` }, `unknown parameter "${name}" (use memoryKiB, iterations, parallelism)`);
    }
    parameters[name] = Number(value);
  }
  const problem = kdfParametersProblem(parameters);
  if (problem) throw refuse({ ...given, name: `${given.name}:` }, problem);
  return parameters;
}

function clientSettings(pick: (key: SettingKey) => Given | undefined, env: Environment): ClientSettings {
  const address = pick('addr');
  const caFile = pick('cacert');
  const tokenFile = pick('token_file');
  const client = {
    address: address === undefined ? undefined : serverAddress(address),
    caFile: caFile === undefined ? undefined : path(caFile),
    tokenFile: tokenFile === undefined ? undefined : path(tokenFile),
  };
  const token = nonEmpty(env.TESSERA_TOKEN)?.trim();
  if (token !== undefined && (token.length > MAX_TOKEN_LENGTH || /[\s\p{Cc}]/u.test(token))) {
    // Never quoted: it is a secret.
    throw fail('INVALID_ARGUMENT', `TESSERA_TOKEN is not an API token (one line of at most ${MAX_TOKEN_LENGTH} characters without spaces)`);
  }
  Object.defineProperty(client, 'token', { value: token, enumerable: false });
  return Object.freeze(client as ClientSettings);
}

/** http(s)://host[:port], kept as its origin (no path, user, query or fragment). */
function serverAddress(given: Given): string {
  const value = text(given);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const plain = url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  if (!plain || url!.username !== '' || url!.password !== '' || !['', '/'].includes(url!.pathname) || url!.search !== '' || url!.hash !== '') {
    // A user or password would be quoted back: show only what a server address may hold.
    const shown = url !== undefined && url.username === '' && url.password === '' ? ` ${quoted(value)}` : '';
    throw refuse(given, `${shown ? `is${shown}, ` : ''}must be the server's address, http(s)://host[:port], e.g. https://tessera.example:8740`);
  }
  return url!.origin;
}

function holdsPassword(database: StoreConfig): boolean {
  if (database.kind !== 'postgres') return false;
  try {
    const url = new URL(database.url);
    return url.password !== '' || url.searchParams.has('password');
  } catch {
    return true;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function absolutePath(path: string, cwd = process.cwd()): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
