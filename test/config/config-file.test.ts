/**
 * The home's configuration file and every setting: precedence (flag > environment > file >
 * default), the words of every refusal (file and line, did-you-mean), the file opened like
 * every file of the home, and the server's and clients' settings. In process, real files.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigFlags, type Environment, loadConfig, MAX_CONFIG_FILE_BYTES } from '../../src/config/index.js';
import { DEFAULT_SERVER_SETTINGS } from '../../src/server/settings.js';
import { outcome } from '../support/outcome.js';

let root: string;
let home: string;
let file: string;
const cwd = '/work/dir';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  chmodSync(root, 0o755);
  home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
  file = join(home, 'tessera.toml');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeConfig(text: string | Buffer, mode = 0o600): void {
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
}

const load = (env: Environment = {}, flags: ConfigFlags = {}) => loadConfig({ home, ...flags }, env, cwd);
const loading = (env: Environment = {}, flags: ConfigFlags = {}) => outcome(() => load(env, flags));

describe('the configuration file', () => {
  it('may be absent: every setting has its default', () => {
    const config = load();
    expect(config.configFile).toBe(file);
    expect(config.database).toEqual({ kind: 'sqlite', file: join(home, 'tessera.db') });
    expect(config.sealKeyFile).toBe(join(home, 'seal.key'));
    expect(config.logFile).toBe(join(home, 'tessera.log'));
    expect(config.server).toEqual(DEFAULT_SERVER_SETTINGS);
    expect({ ...config.client }).toEqual({ address: undefined, caFile: undefined, tokenFile: undefined });
    expect(config.sources.listen).toEqual({ origin: 'default', where: 'default' });
    expect(config.sources.home).toEqual({ origin: 'flag', where: '--home' });
  });

  it('is read only from the home: a missing home is no file', () => {
    expect(loadConfig({}, { TESSERA_HOME: join(root, 'missing') }, cwd).database).toEqual({ kind: 'sqlite', file: join(root, 'missing', 'tessera.db') });
  });

  it('ranks flags over the environment, the environment over the file, the file over the defaults', () => {
    writeConfig(
      [
        '# Tessera settings',
        'listen = "0.0.0.0:9000"',
        'seal_key_file = "keys/seal.key"',
        'log_file = "-"',
        'backup_kdf = "memoryKiB=8192,iterations=1,parallelism=1"',
        'shutdown_grace_seconds = 30',
        'database_url = "postgres://db.example/sso"',
        '',
      ].join('\n'),
    );
    const fileOnly = load();
    expect(fileOnly.server.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    // Relative paths in the file are the home's.
    expect(fileOnly.sealKeyFile).toBe(join(home, 'keys/seal.key'));
    expect(fileOnly.logFile).toBeNull();
    expect(fileOnly.kdf).toEqual({ memoryKiB: 8192, iterations: 1, parallelism: 1 });
    expect(fileOnly.server.shutdownGraceSeconds).toBe(30);
    expect(fileOnly.database).toEqual({ kind: 'postgres', url: 'postgres://db.example/sso' });
    expect(fileOnly.sources.listen).toEqual({ origin: 'file', where: `${file} line 2` });
    expect(fileOnly.sources.database_url).toEqual({ origin: 'file', where: `${file} line 7` });

    const env = { TESSERA_LISTEN: '127.0.0.1:9001', TESSERA_SEAL_KEY_FILE: 'other.key', TESSERA_DATABASE_URL: 'postgres://env.example/sso' };
    const withEnv = load(env);
    expect(withEnv.server.listen).toEqual({ host: '127.0.0.1', port: 9001 });
    // Relative paths in the environment are the working directory's.
    expect(withEnv.sealKeyFile).toBe('/work/dir/other.key');
    expect(withEnv.database).toEqual({ kind: 'postgres', url: 'postgres://env.example/sso' });
    expect(withEnv.server.shutdownGraceSeconds).toBe(30);
    expect(withEnv.sources.listen).toEqual({ origin: 'env', where: 'TESSERA_LISTEN' });

    const withFlags = load(env, { listen: '[::1]:9002', sealKeyFile: '/abs/seal.key', shutdownGraceSeconds: '5' });
    expect(withFlags.server.listen).toEqual({ host: '::1', port: 9002 });
    expect(withFlags.sealKeyFile).toBe('/abs/seal.key');
    expect(withFlags.server.shutdownGraceSeconds).toBe(5);
    expect(withFlags.sources.listen).toEqual({ origin: 'flag', where: '--listen' });
    // An empty variable is no setting: the file's value stands.
    expect(load({ TESSERA_LISTEN: ' ' }).server.listen).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it('refuses an unknown key with the file, the line and the closest key', () => {
    writeConfig('listen = "127.0.0.1:1"\n\ndatabse_url = "postgres://u:s3cret@db/sso"\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 3: unknown key "databse_url": did you mean database_url? (docs/configuration.md lists the keys)`);
    writeConfig('TESSERA_LISTEN = "127.0.0.1:1"\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 1: unknown key "TESSERA_LISTEN": did you mean listen? (docs/configuration.md lists the keys)`);
    writeConfig('colour = "blue"\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 1: unknown key "colour" (docs/configuration.md lists the keys)`);
    writeConfig('# settings\n[server]\nlisten = "127.0.0.1:1"\n');
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} line 2: unknown table "server": every setting is a top-level key (listen = "...", before any [table]) (docs/configuration.md lists the keys)`,
    );
  });

  it('refuses home (it is where the file is found) and token (a secret belongs in a file of its own)', () => {
    writeConfig('home = "/srv/tessera"\n');
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} line 1: home cannot be set in the configuration file, which is itself found in the home: use --home or TESSERA_HOME`,
    );
    writeConfig('\ntoken = "abc"\n');
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} line 2: token cannot be set in the configuration file: put the API token in a file of its own (mode 0600) and name it with token_file`,
    );
  });

  it.each([
    ['listen = 8740', 'listen must be a string in quotes, not an integer'],
    ['allow_plain_http = "maybe"', 'allow_plain_http is "maybe": give yes or no (true/false and 1/0 work too)'],
    ['allow_plain_http = 1.5', 'allow_plain_http must be true or false, not a float'],
    ['auth_failures_per_minute = 1.5', 'auth_failures_per_minute must be a whole number from 1 to 100000, not 1.5'],
    ['auth_failures_per_minute = "ten"', 'auth_failures_per_minute must be a whole number from 1 to 100000, not "ten"'],
    ['shutdown_grace_seconds = 7200', 'shutdown_grace_seconds must be a whole number from 0 to 3600, not 7200'],
    ['trusted_proxies = 5', 'trusted_proxies must be a list of strings (["a", "b"]) or one string with the items separated by commas, not an integer'],
    [
      'trusted_proxies = ["10.0.0.1", 2]',
      'trusted_proxies must be a list of strings (["a", "b"]) or one string with the items separated by commas, not an array',
    ],
    ['seal_key_file = true', 'seal_key_file must be a file path (a string in quotes), not a boolean'],
    ['client_cert_principal = "dn"', 'client_cert_principal is "dn": give san (the subject alternative name) or cn (the common name)'],
    ['client_cert_header = "x client cert"', 'client_cert_header is "x client cert", not an HTTP header name: give e.g. x-client-cert'],
    ['database_schema = "a-b"', 'database_schema "a-b" is not a plain identifier (letters, digits, underscore)'],
    ['backup_kdf = "memoryKiB=1"', 'backup_kdf: memoryKiB must be an integer from 8192 to 1048576, not 1'],
    ['listen = 1979-05-27', 'listen must be a string in quotes, not a date'],
  ])('refuses a wrong type or value with the key and line: %s', (line, problem) => {
    writeConfig(`# comment\n${line}\n`);
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 2: ${problem}`);
  });

  it('never quotes a database URL back, nor the lines around a syntax error', () => {
    writeConfig('database_url = "mysql://tessera:s3cret@db/sso"\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 1: database_url must start with postgres:// (leave it unset for the embedded SQLite file)`);
    writeConfig('listen = "127.0.0.1:1"\ndatabase_url = postgres://tessera:s3cret@db/sso\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 2, column 16: invalid value: fix the TOML syntax (docs/configuration.md has an example)`);
    writeConfig('database_url = 5\n');
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 1: database_url must be a string in quotes, like "postgres://tessera@db.example/sso"`);
  });

  it('refuses a database password in a file others may read, and takes it from a 0600 file', () => {
    writeConfig('database_url = "postgres://tessera:s3cret@db.example/sso"\n', 0o644);
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} line 1: database_url holds a password, and group or others may read ${file} (mode 0644): run chmod 600 ${file}`,
    );
    chmodSync(file, 0o600);
    expect(load().database).toEqual({ kind: 'postgres', url: 'postgres://tessera:s3cret@db.example/sso' });
    // Without a password the mode does not matter.
    writeConfig('database_url = "postgres://tessera@db.example/sso"\n', 0o644);
    expect(load().database).toEqual({ kind: 'postgres', url: 'postgres://tessera@db.example/sso' });
  });

  it('reads a file a Windows editor saved: UTF-8 with a byte order mark and CRLF line ends', () => {
    writeConfig(
      Buffer.from('\ufeff# saved by Notepad\r\nlisten = "0.0.0.0:9443"\r\ntrusted_proxies = ["10.0.0.1", "10.1.0.0/16"]\r\n\r\nbogus_key = 1\r\n', 'utf8'),
    );
    // Lines are counted as the editor shows them.
    expect(loading()).toBe(`CONFIG_INVALID: ${file} line 5: unknown key "bogus_key" (docs/configuration.md lists the keys)`);
    writeConfig(Buffer.from('\ufeff# saved by Notepad\r\nlisten = "0.0.0.0:9443"\r\ntrusted_proxies = ["10.0.0.1", "10.1.0.0/16"]\r\n', 'utf8'));
    const config = load();
    expect(config.server.listen).toEqual({ host: '0.0.0.0', port: 9443 });
    expect(config.server.trustedProxies).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });

  it('refuses a UTF-16 file, with or without its byte order mark, and says to save it as UTF-8', () => {
    const message = `CONFIG_INVALID: ${file} is saved as UTF-16, and Tessera reads configuration files in UTF-8 only: save it as UTF-8 (in Notepad: File > Save As, Encoding: UTF-8)`;
    writeConfig(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('listen = "0.0.0.0:9443"\r\n', 'utf16le')]));
    expect(loading()).toBe(message);
    writeConfig(Buffer.from('listen = "0.0.0.0:9443"\r\n', 'utf16le'));
    expect(loading()).toBe(message);
    writeConfig(Buffer.from([0x6c, 0x69, 0x73, 0x74, 0x65, 0x6e, 0x3d, 0x22, 0xff, 0x22, 0x0a]));
    expect(loading()).toBe(`CONFIG_INVALID: ${file} is not valid UTF-8 text: save it as UTF-8`);
  });

  it('refuses a file larger than 64 KiB before reading it', () => {
    writeConfig(`# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} has ${MAX_CONFIG_FILE_BYTES + 3} bytes, and a configuration file may have at most 65536: is it the right file? docs/configuration.md has an example`,
    );
    writeConfig(`# ${'x'.repeat(MAX_CONFIG_FILE_BYTES - 3)}\n`);
    expect(loading()).toBe('ok');
  });

  it('refuses a file that is a link, or that group or others may write, as every file of the home', () => {
    const elsewhere = join(root, 'elsewhere.toml');
    writeFileSync(elsewhere, 'listen = "0.0.0.0:1"\n', { mode: 0o600 });
    symlinkSync(elsewhere, file);
    expect(loading()).toMatch(
      new RegExp(`^UNSAFE_FILE: the configuration file ${file} is a symbolic link to ${elsewhere} owned by .*: Tessera never opens its files through a link`),
    );
    rmSync(file);
    writeConfig('listen = "0.0.0.0:1"\n', 0o620);
    expect(loading()).toBe(
      `UNSAFE_FILE: the configuration file ${file} is owned by uid ${process.geteuid!()} (${userInfo().username}) with mode 0620: group or others may write it, so they could have changed it. Check it, then run: chmod 600 ${file}`,
    );
  });
});

describe('the server settings', () => {
  const everything = {
    listen: { host: '0.0.0.0', port: 8443 },
    tls: { certFile: '/etc/tessera/server.pem', keyFile: '/etc/tessera/server.key', clientCaFile: '/etc/tessera/clients.pem' },
    allowPlainHttp: true,
    trustedProxies: ['10.0.0.5', '10.1.0.0/16', 'fd00::/8'],
    clientCertHeader: 'x-ssl-client-cert',
    clientCertPrincipal: 'cn',
    oidc: {
      issuers: ['https://login.example/tenant/v2.0', 'http://127.0.0.1:4000'],
      audience: 'api://tessera',
      userClaim: 'preferred_username',
      groupsClaim: 'roles',
    },
    authFailuresPerMinute: 25,
    shutdownGraceSeconds: 3,
  };

  it('reads every field from the environment', () => {
    const config = load({
      TESSERA_LISTEN: '0.0.0.0:8443',
      TESSERA_TLS_CERT_FILE: '/etc/tessera/server.pem',
      TESSERA_TLS_KEY_FILE: '/etc/tessera/server.key',
      TESSERA_TLS_CLIENT_CA_FILE: '/etc/tessera/clients.pem',
      TESSERA_ALLOW_PLAIN_HTTP: 'YES',
      TESSERA_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16,fd00::/8',
      TESSERA_CLIENT_CERT_HEADER: 'X-SSL-Client-Cert',
      TESSERA_CLIENT_CERT_PRINCIPAL: 'cn',
      TESSERA_OIDC_ISSUERS: 'https://login.example/tenant/v2.0,http://127.0.0.1:4000',
      TESSERA_OIDC_AUDIENCE: 'api://tessera',
      TESSERA_OIDC_USER_CLAIM: 'preferred_username',
      TESSERA_OIDC_GROUPS_CLAIM: 'roles',
      TESSERA_AUTH_FAILURES_PER_MINUTE: '25',
      TESSERA_SHUTDOWN_GRACE_SECONDS: '3',
    });
    expect(config.server).toEqual(everything);
    expect(Object.isFrozen(config.server) && Object.isFrozen(config.server.listen) && Object.isFrozen(config.server.trustedProxies)).toBe(true);
  });

  it('reads every field from the file, lists as arrays, paths relative to the home', () => {
    writeConfig(
      [
        'listen = "0.0.0.0:8443"',
        'tls_cert_file = "/etc/tessera/server.pem"',
        'tls_key_file = "/etc/tessera/server.key"',
        'tls_client_ca_file = "/etc/tessera/clients.pem"',
        'allow_plain_http = true',
        'trusted_proxies = ["10.0.0.5", "10.1.0.0/16", "fd00::/8"]',
        'client_cert_header = "x-ssl-client-cert"',
        'client_cert_principal = "cn"',
        'oidc_issuers = ["https://login.example/tenant/v2.0", "http://127.0.0.1:4000"]',
        'oidc_audience = "api://tessera"',
        'oidc_user_claim = "preferred_username"',
        'oidc_groups_claim = "roles"',
        'auth_failures_per_minute = 25',
        'shutdown_grace_seconds = 3',
      ].join('\n'),
    );
    expect(load().server).toEqual(everything);
    writeConfig('tls_cert_file = "tls/server.pem"\ntls_key_file = "tls/server.key"\ntrusted_proxies = "10.0.0.5, 10.0.0.6"\n');
    const config = load();
    expect(config.server.tls).toEqual({ certFile: join(home, 'tls/server.pem'), keyFile: join(home, 'tls/server.key'), clientCaFile: undefined });
    expect(config.server.trustedProxies).toEqual(['10.0.0.5', '10.0.0.6']);
  });

  it('refuses half a TLS setting, and a client CA without TLS', () => {
    expect(loading({ TESSERA_TLS_CERT_FILE: '/etc/tessera/server.pem' })).toBe(
      'INVALID_ARGUMENT: TESSERA_TLS_CERT_FILE is set but tls_key_file (TESSERA_TLS_KEY_FILE) is not: give both the certificate and its private key, or neither for plain HTTP',
    );
    writeConfig('\ntls_key_file = "server.key"\n');
    expect(loading()).toBe(
      `CONFIG_INVALID: ${file} line 2: tls_key_file is set but tls_cert_file (TESSERA_TLS_CERT_FILE) is not: give both the certificate and its private key, or neither for plain HTTP`,
    );
    // The environment completes what the file began.
    expect(load({ TESSERA_TLS_CERT_FILE: 'server.pem' }).server.tls).toEqual({
      certFile: '/work/dir/server.pem',
      keyFile: join(home, 'server.key'),
      clientCaFile: undefined,
    });
    expect(outcome(() => loadConfig({ home: root }, { TESSERA_TLS_CLIENT_CA_FILE: 'ca.pem' }, cwd))).toBe(
      'INVALID_ARGUMENT: TESSERA_TLS_CLIENT_CA_FILE needs TLS: set tls_cert_file and tls_key_file (TESSERA_TLS_CERT_FILE, TESSERA_TLS_KEY_FILE) too',
    );
  });

  it.each([
    ['127.0.0.1:8740', { host: '127.0.0.1', port: 8740 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::]:443', { host: '::', port: 443 }],
    ['[fe80::1]:65535', { host: 'fe80::1', port: 65535 }],
    ['tessera.example.org:8740', { host: 'tessera.example.org', port: 8740 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
  ])('reads the listen address %s', (value, listen) => {
    expect(load({ TESSERA_LISTEN: value }).server.listen).toEqual(listen);
  });

  it.each([
    '8740',
    '127.0.0.1',
    '127.0.0.1:',
    ':8740',
    '127.0.0.1:65536',
    '::1:8740',
    '[127.0.0.1]:80',
    '[::1]',
    'host name:80',
    'http://127.0.0.1:80',
    '-bad-:80',
  ])('refuses the listen address %s', (value) => {
    expect(loading({ TESSERA_LISTEN: value })).toBe(
      `INVALID_ARGUMENT: TESSERA_LISTEN is ${JSON.stringify(value)}, not HOST:PORT: give e.g. 127.0.0.1:8740, 0.0.0.0:8740 or [::1]:8740 (port 0 to 65535)`,
    );
  });

  it.each([
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['10.0.0.1,proxy.example', 'proxy.example'],
    ['fd00::/129', 'fd00::/129'],
    ['10.0.0.0/8/8', '10.0.0.0/8/8'],
  ])('refuses the trusted proxies %s', (value, item) => {
    expect(loading({ TESSERA_TRUSTED_PROXIES: value })).toBe(
      `INVALID_ARGUMENT: TESSERA_TRUSTED_PROXIES holds "${item}", which is neither an IP address nor a CIDR block: give e.g. 10.0.0.5, 10.0.0.0/24 or fd00::/8`,
    );
  });

  it('refuses OIDC settings that cannot work', () => {
    expect(loading({ TESSERA_OIDC_ISSUERS: 'https://login.example' })).toBe(
      'INVALID_ARGUMENT: TESSERA_OIDC_ISSUERS needs an audience: set oidc_audience (TESSERA_OIDC_AUDIENCE) to the aud the tokens carry for Tessera',
    );
    expect(loading({ TESSERA_OIDC_AUDIENCE: 'api://tessera' })).toBe(
      'INVALID_ARGUMENT: TESSERA_OIDC_AUDIENCE is set but no OIDC issuer is: set oidc_issuers (TESSERA_OIDC_ISSUERS) too, or remove it',
    );
    expect(loading({ TESSERA_OIDC_ISSUERS: 'http://login.example', TESSERA_OIDC_AUDIENCE: 'a' })).toBe(
      `INVALID_ARGUMENT: TESSERA_OIDC_ISSUERS holds "http://login.example", which is not an https:// URL (http:// only on a loopback address): give the issuer exactly as its tokens' iss reads`,
    );
    expect(loading({ TESSERA_OIDC_ISSUERS: 'https://login.example/?x=1', TESSERA_OIDC_AUDIENCE: 'a' })).toBe(
      `INVALID_ARGUMENT: TESSERA_OIDC_ISSUERS holds "https://login.example"... with a user, query or fragment, which an issuer URL never has: give the issuer exactly as its tokens' iss reads`,
    );
    expect(load({ TESSERA_OIDC_ISSUERS: 'http://[::1]:4000/', TESSERA_OIDC_AUDIENCE: 'a' }).server.oidc).toEqual({
      issuers: ['http://[::1]:4000/'],
      audience: 'a',
      userClaim: 'upn',
      groupsClaim: 'groups',
    });
  });
});

describe('the client settings', () => {
  it('reads the server address, CA file and token file, and keeps the token out of every printed form', () => {
    writeConfig('addr = "https://Tessera.Example:8740/"\ncacert = "ca.pem"\ntoken_file = "token"\n');
    const config = load({ TESSERA_TOKEN: 'tsr_0123456789abcdef' });
    expect(config.client.address).toBe('https://tessera.example:8740');
    expect(config.client.caFile).toBe(join(home, 'ca.pem'));
    expect(config.client.tokenFile).toBe(join(home, 'token'));
    expect(config.client.token).toBe('tsr_0123456789abcdef');
    expect(JSON.stringify(config)).not.toContain('tsr_0123456789abcdef');
    expect(inspect(config, { depth: null })).not.toContain('tsr_0123456789abcdef');
    expect(Object.keys(config.client)).toEqual(['address', 'caFile', 'tokenFile']);
  });

  it('refuses an address that is not a server, without quoting a password', () => {
    const message = (shown: string) =>
      `INVALID_ARGUMENT: TESSERA_ADDR ${shown}must be the server's address, http(s)://host[:port], e.g. https://tessera.example:8740`;
    expect(loading({ TESSERA_ADDR: 'tessera.example:8740' })).toBe(message('is "tessera.example:8740", '));
    expect(loading({ TESSERA_ADDR: 'https://tessera.example/api' })).toBe(message('is "https://tessera.example/api", '));
    expect(loading({ TESSERA_ADDR: 'https://admin:s3cret@tessera.example' })).toBe(message(''));
    expect(loading({ TESSERA_TOKEN: 'two words' })).toBe(
      'INVALID_ARGUMENT: TESSERA_TOKEN is not an API token (one line of at most 4096 characters without spaces)',
    );
  });
});
