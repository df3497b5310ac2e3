/**
 * `ssoconfig -setdb` and `-showdb`: ENTSSO points its tools at the SSO database with
 * `ssoconfig -setdb SERVER DATABASE`; Tessera writes that database into <home>/tessera.toml.
 * Neither opens the database: -setdb may come before the database exists.
 */
import { isIP } from 'node:net';
import {
  type ConfigFlags,
  type DatabaseSetting,
  databaseShown,
  type Environment,
  homeFrom,
  loadConfig,
  type SettingSource,
  type TesseraConfig,
  writeDatabaseSetting,
} from '../config/index.js';
import { fail } from '../errors/index.js';
import { printJson } from './run.js';

const SETDB_FORMS =
  'give SERVER DATABASE (e.g. -setdb db.example:5432 SSODB), one postgres:// URL (e.g. -setdb postgres://tessera@db.example/SSODB), ' +
  'or sqlite for the embedded SQLite file in the home';

/** What -setdb's arguments ask for: SERVER DATABASE, a postgres:// URL, or `sqlite`. */
export function databaseFromSetdb(args: readonly string[], schema: string | undefined): DatabaseSetting {
  if (args.length === 1 && args[0]!.toLowerCase() === 'sqlite') {
    if (schema !== undefined) throw fail('INVALID_ARGUMENT', '--schema is for a PostgreSQL database, not the embedded SQLite file');
    return undefined;
  }
  if (args.length === 1) return { url: postgresUrl(args[0]!), schema };
  const [server, database] = args as [string, string];
  if (server.includes('\\')) {
    throw fail(
      'INVALID_ARGUMENT',
      `-setdb: "${server}" names a SQL Server instance; Tessera keeps its vault in PostgreSQL: give the PostgreSQL server as HOST or HOST:PORT`,
    );
  }
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(server);
  if (!match || (match[1] !== undefined && isIP(match[1]) !== 6) || Number(match[3] ?? 0) > 65535) {
    throw fail('INVALID_ARGUMENT', `-setdb: "${server}" is not a server name: give HOST or HOST:PORT (e.g. db.example:5432, [::1]:5432)`);
  }
  if (!/^[^\s/?#%\\\p{Cc}]{1,63}$/u.test(database)) {
    throw fail('INVALID_ARGUMENT', `-setdb: "${database}" is not a database name: give 1 to 63 characters without spaces, /, ?, #, % or \\`);
  }
  return { url: `postgres://${server}/${database}`, schema };
}

function postgresUrl(text: string): string {
  if (!/^postgres(ql)?:\/\//i.test(text)) throw fail('INVALID_ARGUMENT', `-setdb needs two arguments, or one URL: ${SETDB_FORMS}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not quoted back: whatever it is may hold a password.
    throw fail('INVALID_ARGUMENT', `-setdb: the argument is not a valid URL: ${SETDB_FORMS}`);
  }
  if (url.password !== '' || url.searchParams.has('password')) {
    throw fail(
      'INVALID_ARGUMENT',
      '-setdb: the URL holds a password, and a command line can be read by every user of this machine (ps, shell history): ' +
        'give the URL without it, and give PostgreSQL the password in ~/.pgpass or PGPASSWORD (or write database_url into tessera.toml with an editor)',
    );
  }
  return text;
}

export async function setDatabase(flags: ConfigFlags, env: Environment, setting: DatabaseSetting, json: boolean): Promise<void> {
  // Only the home is needed; the file is checked as a whole before it is written.
  const home = homeFrom(flags, env);
  const config = await writeDatabaseSetting(home, setting);
  const shown = databaseShown(config);
  if (json) printJson({ configFile: config.configFile, database: shown, kind: config.database.kind });
  else if (setting === undefined)
    process.stdout.write(`Tessera's database is now the embedded SQLite file ${shown} (no database_url in ${config.configFile}).\n`);
  else process.stdout.write(`Tessera's database is now ${shown}, set in ${config.configFile}.\n`);
  if (env.TESSERA_DATABASE_URL !== undefined && env.TESSERA_DATABASE_URL.trim() !== '') {
    process.stderr.write('Note: TESSERA_DATABASE_URL is set in this environment and takes precedence over the file: unset it to use this setting.\n');
  }
}

export function showDatabase(flags: ConfigFlags, env: Environment, json: boolean): void {
  const config = loadConfig(flags, env);
  const url = config.sources.database_url;
  const schema = config.sources.database_schema;
  const source = describeSource(config, url, 'database_url');
  if (json) {
    printJson({
      kind: config.database.kind,
      database: databaseShown(config),
      source: url.origin === 'default' ? { origin: 'default', where: 'default', home: config.sources.home } : url,
      ...(config.database.kind === 'postgres' && schema.origin !== 'default' ? { schemaSource: schema } : {}),
      configFile: config.configFile,
    });
    return;
  }
  const lines = [`Database: ${databaseShown(config)}`, `Set by:   ${source}`];
  if (config.database.kind === 'postgres' && schema.origin !== 'default') lines.push(`Schema:   set by ${describeSource(config, schema, 'database_schema')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeSource(config: TesseraConfig, source: SettingSource, key: string): string {
  if (source.origin === 'file') return `${source.where} (${key})`;
  if (source.origin === 'env' || source.origin === 'flag') return `${source.where} (${source.origin === 'env' ? 'environment' : 'command line'})`;
  const home = config.sources.home;
  const homeFrom = home.origin === 'default' ? 'the default home' : `the home from ${home.where}`;
  return `default: the embedded SQLite file in ${homeFrom} (no database_url in ${config.configFile}, no TESSERA_DATABASE_URL)`;
}
