/**
 * `ssoconfig -setDB` and `-showDB` as real child processes: the home's tessera.toml is edited
 * line by line (comments, other keys, BOM and CRLF kept), written 0600, checked as a whole
 * before it replaces the file, and what it names is the database the other commands then use.
 */
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAST_KDF, runBin, type RunOptions, storeTargets } from '../support/cli.js';
import { pgUrl } from '../support/databases.js';

let root: string;
let home: string;
let file: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tessera-setdb-'));
  chmodSync(root, 0o755);
  home = join(root, 'home');
  file = join(home, 'tessera.toml');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ssoconfig = (args: string[], options: RunOptions = {}) =>
  runBin('cli/ssoconfig.js', args, { ...options, env: { TESSERA_HOME: home, TESSERA_BACKUP_KDF: FAST_KDF, ...options.env } });
const tessera = (args: string[], options: RunOptions = {}) =>
  runBin('cli/tessera.js', args, { ...options, env: { TESSERA_HOME: home, TESSERA_BACKUP_KDF: FAST_KDF, ...options.env } });

const result = (r: { code: number | null; stdout: string; stderr: string }) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

describe('ssoconfig -showDB', () => {
  it('shows the embedded SQLite file and why, with no setting anywhere', async () => {
    expect(result(await ssoconfig(['-showdb']))).toEqual({
      code: 0,
      stdout:
        `Database: ${join(home, 'tessera.db')}\n` +
        `Set by:   default: the embedded SQLite file in the home from TESSERA_HOME (no database_url in ${file}, no TESSERA_DATABASE_URL)\n`,
      stderr: '',
    });
    // Showing creates nothing.
    expect(existsSync(home)).toBe(false);
  });

  it('shows a database from the environment without its password', async () => {
    const shown = await ssoconfig(['/ShowDB', '--json'], { env: { TESSERA_DATABASE_URL: 'postgres://tessera:s3cret@db.example:5433/sso?password=s3cret' } });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain('s3cret');
    expect(JSON.parse(shown.stdout)).toEqual({
      kind: 'postgres',
      database: 'postgres://db.example:5433/sso',
      source: { origin: 'env', where: 'TESSERA_DATABASE_URL' },
      configFile: file,
    });
  });

  it('refuses a configuration file that does not load, naming the line', async () => {
    await ssoconfig(['-setdb', 'db.example', 'sso']);
    writeFileSync(file, 'database_url = "postgres://db.example/sso"\nlisten = "nowhere"\n', { mode: 0o600 });
    expect(result(await ssoconfig(['-showdb']))).toEqual({
      code: 1,
      stdout: '',
      stderr: `error CONFIG_INVALID: ${file} line 2: listen is "nowhere", not HOST:PORT: give e.g. 127.0.0.1:8740, 0.0.0.0:8740 or [::1]:8740 (port 0 to 65535)\n`,
    });
  });
});

describe('ssoconfig -setDB', () => {
  it('writes SERVER DATABASE as a postgres:// URL into a new tessera.toml (0600, home 0700), which -showDB then reports', async () => {
    expect(result(await ssoconfig(['-SetDB', 'db.example:5433', 'SSODB', '--schema', 'tessera']))).toEqual({
      code: 0,
      stdout: `Tessera's database is now postgres://db.example:5433/SSODB (schema tessera), set in ${file}.\n`,
      stderr: '',
    });
    expect(readFileSync(file, 'utf8')).toBe('database_url = "postgres://db.example:5433/SSODB"\ndatabase_schema = "tessera"\n');
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(lstatSync(home).mode & 0o777).toBe(0o700);
    expect(result(await ssoconfig(['-showdb']))).toEqual({
      code: 0,
      stdout:
        'Database: postgres://db.example:5433/SSODB (schema tessera)\n' +
        `Set by:   ${file} line 1 (database_url)\n` +
        `Schema:   set by ${file} line 2 (database_schema)\n`,
      stderr: '',
    });
  });

  it('edits only its own lines: comments, other keys, the BOM and CRLF line ends stay', async () => {
    const before = '\ufeff# Tessera on node 1\r\nlisten = "0.0.0.0:8740"\r\ndatabase_url = "postgres://old.example/sso"\r\n# end\r\n';
    // Makes the home, and no file: there was nothing to remove.
    expect((await ssoconfig(['-setdb', 'sqlite'])).code).toBe(0);
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, before, { mode: 0o644 });
    const set = await ssoconfig(['-setdb', 'postgres://tessera@new.example:6432/sso', '--schema', 's1']);
    expect(result(set)).toEqual({ code: 0, stdout: `Tessera's database is now postgres://new.example:6432/sso (schema s1), set in ${file}.\n`, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(
      '\ufeff# Tessera on node 1\r\nlisten = "0.0.0.0:8740"\r\ndatabase_url = "postgres://tessera@new.example:6432/sso"\r\n# end\r\ndatabase_schema = "s1"\r\n',
    );
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(result(await ssoconfig(['-setdb', 'SQLite']))).toEqual({
      code: 0,
      stdout: `Tessera's database is now the embedded SQLite file ${join(home, 'tessera.db')} (no database_url in ${file}).\n`,
      stderr: '',
    });
    expect(readFileSync(file, 'utf8')).toBe('\ufeff# Tessera on node 1\r\nlisten = "0.0.0.0:8740"\r\n# end\r\n');
  });

  it('says when TESSERA_DATABASE_URL overrides what it wrote', async () => {
    const set = await ssoconfig(['-setdb', 'db.example', 'sso', '--json'], { env: { TESSERA_DATABASE_URL: 'postgres://other.example/x' } });
    expect(result(set)).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ configFile: file, database: 'postgres://db.example/sso', kind: 'postgres' }, null, 2)}\n`,
      stderr: 'Note: TESSERA_DATABASE_URL is set in this environment and takes precedence over the file: unset it to use this setting.\n',
    });
  });

  it.each([
    [
      ['postgres://tessera:s3cret@db.example/sso'],
      '-setdb: the URL holds a password, and a command line can be read by every user of this machine (ps, shell history): ' +
        'give the URL without it, and give PostgreSQL the password in ~/.pgpass or PGPASSWORD (or write database_url into tessera.toml with an editor)',
    ],
    [
      ['postgres://db.example/sso?password=s3cret'],
      '-setdb: the URL holds a password, and a command line can be read by every user of this machine (ps, shell history): ' +
        'give the URL without it, and give PostgreSQL the password in ~/.pgpass or PGPASSWORD (or write database_url into tessera.toml with an editor)',
    ],
    [
      ['SQLPROD\\SSO', 'SSODB'],
      '-setdb: "SQLPROD\\SSO" names a SQL Server instance; Tessera keeps its vault in PostgreSQL: give the PostgreSQL server as HOST or HOST:PORT',
    ],
    [['db example', 'SSODB'], '-setdb: "db example" is not a server name: give HOST or HOST:PORT (e.g. db.example:5432, [::1]:5432)'],
    [['db.example:99999', 'SSODB'], '-setdb: "db.example:99999" is not a server name: give HOST or HOST:PORT (e.g. db.example:5432, [::1]:5432)'],
    [['db.example', 'a/b'], '-setdb: "a/b" is not a database name: give 1 to 63 characters without spaces, /, ?, #, % or \\'],
    [
      ['db.example'],
      '-setdb needs two arguments, or one URL: give SERVER DATABASE (e.g. -setdb db.example:5432 SSODB), one postgres:// URL ' +
        '(e.g. -setdb postgres://tessera@db.example/SSODB), or sqlite for the embedded SQLite file in the home',
    ],
    [['sqlite', '--schema', 'x'], '--schema is for a PostgreSQL database, not the embedded SQLite file'],
  ])('refuses %j and writes nothing', async (args, message) => {
    const refused = await ssoconfig(['-setdb', ...args]);
    expect(result(refused)).toEqual({ code: 2, stdout: '', stderr: `error INVALID_ARGUMENT: ${message}\n` });
    expect(refused.stderr).not.toContain('s3cret');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a schema that is not an identifier, and a file that would not load, leaving the file as it was', async () => {
    expect(result(await ssoconfig(['-setdb', 'db.example', 'sso', '--schema', 'a-b']))).toEqual({
      code: 1,
      stdout: '',
      stderr: `error CONFIG_INVALID: ${file} line 2: database_schema "a-b" is not a plain identifier (letters, digits, underscore)\n`,
    });
    expect(existsSync(file)).toBe(false);
    const before = 'listen = "127.0.0.1:8740"\nlisen = "x"\n';
    writeFileSync(file, before, { mode: 0o600 });
    expect(result(await ssoconfig(['-setdb', 'db.example', 'sso']))).toEqual({
      code: 1,
      stdout: '',
      stderr: `error CONFIG_INVALID: ${file} line 2: unknown key "lisen": did you mean listen? (docs/configuration.md lists the keys)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a configuration file that is a link, and leaves its target alone', async () => {
    await ssoconfig(['-setdb', 'sqlite']);
    const target = join(root, 'elsewhere.toml');
    writeFileSync(target, '# not yours\n', { mode: 0o600 });
    symlinkSync(target, file);
    const refused = await ssoconfig(['-setdb', 'db.example', 'sso']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error UNSAFE_FILE: the configuration file ${file} is a symbolic link to ${target} owned by `));
    expect(readFileSync(target, 'utf8')).toBe('# not yours\n');
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('refuses the secret options and --schema where they do not belong', async () => {
    const showdb = await ssoconfig(['-showdb', '--force']);
    expect(showdb.code).toBe(2);
    expect(showdb.stderr).toMatch(
      /^error INVALID_ARGUMENT: --password-file, --reminder and --force go with the secret switches, not -showDB\n\nUsage: ssoconfig/,
    );
    const backup = await ssoconfig(['-backupsecret', join(root, 'x.bak'), '--schema', 's']);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toMatch(/^error INVALID_ARGUMENT: --schema goes with -setDB only\n\nUsage: ssoconfig/);
  });
});

// The other commands use what -setDB wrote: a vault is created in that database.
describe.runIf(storeTargets.some((target) => target.name === 'postgres'))('ssoconfig -setDB then tessera init', () => {
  it('creates the vault in the PostgreSQL database and schema -setDB named, and back in SQLite after -setDB sqlite', async () => {
    const postgres = await storeTargets.find((target) => target.name === 'postgres')!.create();
    try {
      const server = new URL(pgUrl);
      const schema = postgres.config.kind === 'postgres' ? postgres.config.schema! : '';
      const set = await ssoconfig(['-setdb', server.host, server.pathname.slice(1), '--schema', schema]);
      expect(set.code).toBe(0);
      // -setDB SERVER DATABASE names no user: PostgreSQL's own PGUSER (or the OS user) decides.
      const init = await tessera(['init', '--json'], { env: { PGUSER: decodeURIComponent(server.username) || 'postgres' } });
      expect(init.stderr).toBe('');
      expect((JSON.parse(init.stdout) as { store: string }).store).toBe(`postgres://${server.host}${server.pathname} (schema ${schema})`);
      expect((await ssoconfig(['-setdb', 'sqlite'])).code).toBe(0);
      // The vault is in PostgreSQL: the embedded SQLite file has none.
      const local = await tessera(['secret', 'status']);
      expect(local.code).toBe(1);
      expect(local.stderr).toMatch(/^error NO_VAULT: /);
      expect(existsSync(join(home, 'tessera.db'))).toBe(true);
    } finally {
      await postgres.cleanup();
    }
  });
});
