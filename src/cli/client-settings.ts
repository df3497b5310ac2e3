/**
 * Which Tessera server the command-line tools talk to, and with what token: from flags, the
 * client settings config/ read (TESSERA_ADDR, TESSERA_TOKEN, TESSERA_TOKEN_FILE, TESSERA_CACERT,
 * or tessera.toml's addr, token_file, cacert) and two small setting files,
 * the per-user one (`<home>/client-server`) and the all-users one (`/etc/tessera/client-server`,
 * its directory TESSERA_SYSTEM_CONFIG_DIR for tests and packagers). ENTSSO's `ssomanage -server`,
 * `-serverall` and `-showserver` write and show them. docs/configuration.md lists them all.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import type { TesseraConfig } from '../config/index.js';
import { explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import { openOwnFile, trustDirectory } from '../files/index.js';
// The settings module alone, as config/ reads it: the server's code loads only for `serve`.
import { DEFAULT_LISTEN } from '../server/settings.js';

/** The environment variables read here (the rest of the configuration: config/). */
/** The one variable read here; TESSERA_ADDR, TESSERA_TOKEN(_FILE) and TESSERA_CACERT come through config/ (config.client). */
export const CLIENT_ENVIRONMENT = {
  TESSERA_SYSTEM_CONFIG_DIR: 'Directory of the all-users setting (client-server). Default /etc/tessera.',
} as const;

export type ClientEnvironment = Partial<Record<keyof typeof CLIENT_ENVIRONMENT, string>>;

export const SERVER_FILE_NAME = 'client-server';
export const TOKEN_FILE_NAME = 'token';
export const DEFAULT_SYSTEM_CONFIG_DIR = '/etc/tessera';
/** A setting file or a token file is a line; anything longer is not one. */
const SETTING_MAX_BYTES = 4096;
const TOKEN_MAX_BYTES = 16 * 1024;

/** Where the server address came from, in the words -showserver uses. */
export interface ServerChoice {
  url: string;
  source: string;
}

export const perUserServerFile = (home: string) => join(home, SERVER_FILE_NAME);
export const systemServerFile = (env: ClientEnvironment) => join(nonEmpty(env.TESSERA_SYSTEM_CONFIG_DIR) ?? DEFAULT_SYSTEM_CONFIG_DIR, SERVER_FILE_NAME);

/**
 * A server address as given: a URL (https://, or http:// to this machine only, since the token
 * would cross the network in clear), or ENTSSO's bare server NAME (or NAME:PORT), which means
 * https://NAME:8740. Returns the URL and whether a bare name was expanded.
 */
export function serverUrl(text: string, where: string): { url: string; expanded: boolean } {
  const given = text.trim();
  const bare = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/.exec(given);
  if (bare) return { url: checkedUrl(`https://${bare[1]}:${bare[2] ?? DEFAULT_LISTEN.port}`, where), expanded: true };
  if (!/^https?:\/\//i.test(given)) {
    throw fail('INVALID_ARGUMENT', `${where}: "${given}" is neither a URL (https://sso.example.org:8740) nor a server name (sso.example.org)`);
  }
  return { url: checkedUrl(given, where), expanded: false };
}

function checkedUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail('INVALID_ARGUMENT', `${where}: "${text}" is not a valid URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw fail('INVALID_ARGUMENT', `${where}: a server URL may not hold a user or password; the token goes in TESSERA_TOKEN or a token file`);
  }
  if (url.search !== '' || url.hash !== '') throw fail('INVALID_ARGUMENT', `${where}: a server URL has no query or fragment (${url.origin}${url.pathname})`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw fail(
      'INVALID_ARGUMENT',
      `${where}: http:// would send your token in clear over the network; use https:// (plain http is accepted only for a server on this machine: localhost, 127.0.0.1, ::1)`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * The server to use: --server > the `addr` setting (TESSERA_ADDR, or tessera.toml, read by
 * config/) > the per-user setting file > the all-users setting file > none (the local vault).
 */
export function chooseServer(
  flag: string | undefined,
  config: Pick<TesseraConfig, 'home' | 'client' | 'sources'>,
  env: ClientEnvironment,
): ServerChoice | undefined {
  if (flag !== undefined) return { url: serverUrl(flag, '--server').url, source: '--server' };
  if (config.client.address !== undefined) {
    const where = config.sources.addr.where;
    return { url: serverUrl(config.client.address, where).url, source: where };
  }
  const own = perUserServerFile(config.home);
  const mine = readSetting(own, 'user');
  if (mine !== undefined) return { url: serverUrl(mine, own).url, source: `the per-user setting ${own}` };
  const system = systemServerFile(env);
  const everyone = readSetting(system, 'system');
  if (everyone !== undefined) return { url: serverUrl(everyone, system).url, source: `the all-users setting ${system}` };
  return undefined;
}

/**
 * The token, never from argv: --token-file FILE, else TESSERA_TOKEN, else the `token_file`
 * setting (TESSERA_TOKEN_FILE or tessera.toml), else `<home>/token`. Each file must be the
 * user's own, readable by nobody else.
 */
export function chooseToken(tokenFile: string | undefined, config: Pick<TesseraConfig, 'home' | 'client'>, server: ServerChoice): string {
  if (tokenFile !== undefined) {
    if (tokenFile === '-') {
      throw fail(
        'INVALID_ARGUMENT',
        '--token-file takes a file, not "-": standard input carries the passwords, credentials and tickets of the commands; use TESSERA_TOKEN or a file of mode 0600',
      );
    }
    return tokenFrom(readTokenFile(tokenFile) ?? missingFile(tokenFile), tokenFile);
  }
  if (config.client.token !== undefined) return tokenFrom(config.client.token, 'TESSERA_TOKEN');
  if (config.client.tokenFile !== undefined)
    return tokenFrom(readTokenFile(config.client.tokenFile) ?? missingFile(config.client.tokenFile), config.client.tokenFile);
  const own = join(config.home, TOKEN_FILE_NAME);
  const text = readTokenFile(own);
  if (text !== undefined) return tokenFrom(text, own);
  throw fail(
    'UNAUTHENTICATED',
    `no token for the Tessera server at ${server.url} (from ${server.source}): set TESSERA_TOKEN, give --token-file FILE, or put it in ${own} (mode 0600)`,
  );
}

function missingFile(file: string): never {
  throw fail('ENOENT', `the token file ${file} does not exist: give the file that holds your API token`);
}

/** Printable ASCII without spaces is all a bearer token may hold; the token itself is never quoted. */
function tokenFrom(text: string, where: string): string {
  const token = text.trim();
  if (token === '') throw fail('UNAUTHENTICATED', `${where} holds no token: put your API token in it`);
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw fail('INVALID_ARGUMENT', `${where} holds characters no bearer token has (spaces, line breaks or non-ASCII): it must hold the token alone`);
  }
  return token;
}

/** PEM file of the CA the server's certificate must chain to (the `cacert` setting: TESSERA_CACERT or tessera.toml), read once, size-limited. */
export function readCaFile(config: Pick<TesseraConfig, 'client'>): Buffer | undefined {
  const file = config.client.caFile;
  if (file === undefined) return undefined;
  const bytes = readLimited(file, 1024 * 1024, 'TESSERA_CACERT');
  if (!bytes.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw fail('TLS_INVALID', `TESSERA_CACERT names ${file}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return bytes;
}

function readTokenFile(path: string): string | undefined {
  let file;
  try {
    file = openOwnFile(path, { role: 'the token file', access: 'read', create: 'never', checkDirectory: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw isTesseraError(error) ? error : explainFileError(error, { path, action: 'read', osUser: userInfo().username });
  }
  try {
    // Readable by others means known to others: whoever reads it acts as you on the server.
    if ((file.stat.mode & 0o077) !== 0) {
      throw fail(
        'UNSAFE_FILE',
        `the token file ${path} has mode ${(file.stat.mode & 0o777).toString(8).padStart(4, '0')}: group or others may read it, ` +
          `and whoever reads the token acts as you on the server. Run: chmod 600 ${path} (and replace the token if others may have read it)`,
      );
    }
    return readAll(file.fd, TOKEN_MAX_BYTES, path).toString('utf8');
  } finally {
    closeSync(file.fd);
  }
}

/** A setting file's one line; undefined when there is none. The per-user file must be the user's own. */
function readSetting(path: string, kind: 'user' | 'system'): string | undefined {
  let fd: number;
  try {
    if (kind === 'user') fd = openOwnFile(path, { role: 'the per-user server setting', access: 'read', create: 'never', checkDirectory: false }).fd;
    else fd = openSystemSetting(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw isTesseraError(error) ? error : explainFileError(error, { path, action: 'read', osUser: userInfo().username });
  }
  try {
    const text = readAll(fd, SETTING_MAX_BYTES, path).toString('utf8').trim();
    return text === '' ? undefined : text;
  } finally {
    closeSync(fd);
  }
}

/** The all-users file is root's (or, for a private installation, the user's own), writable by nobody else. */
function openSystemSetting(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const stat = fstatSync(fd);
  const me = process.geteuid!();
  if (!stat.isFile() || (stat.uid !== 0 && stat.uid !== me) || (stat.mode & 0o022) !== 0) {
    closeSync(fd);
    throw fail(
      'UNSAFE_FILE',
      `the all-users server setting ${path} is not a regular file of root that only root may write (uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}): ` +
        `whoever may change it chooses the server every user sends their token to. Run: chown root ${path} && chmod 644 ${path}`,
    );
  }
  return fd;
}

function readLimited(path: string, maxBytes: number, where: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const explained = explainFileError(error, { path, action: 'read', osUser: userInfo().username });
    throw withMessage(explained, `${where}: ${explained.message}`);
  }
  try {
    return readAll(fd, maxBytes, path);
  } finally {
    closeSync(fd);
  }
}

/** Reads at most `maxBytes`; more is refused before it is read whole. */
function readAll(fd: number, maxBytes: number, path: string): Buffer {
  const { size } = fstatSync(fd);
  if (size > maxBytes) throw fail('INPUT_TOO_LARGE', `${path} has ${size} bytes, and Tessera reads at most ${maxBytes} from it: it should hold one line`);
  const buffer = Buffer.alloc(maxBytes + 1);
  let length = 0;
  for (;;) {
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
    if (length > maxBytes) throw fail('INPUT_TOO_LARGE', `${path} holds more than ${maxBytes} bytes: it should hold one line`);
  }
  return buffer.subarray(0, length);
}

/**
 * Writes a setting file atomically: a new temp file beside it with the final mode, fsynced,
 * renamed over the old one. The per-user one lives in the home, checked as every command checks it.
 */
export function writeServerSetting(path: string, url: string, scope: 'user' | 'system'): void {
  const directory = dirname(path);
  try {
    if (scope === 'user') trustDirectory(directory, { role: "Tessera's home", create: true });
    else mkdirSync(directory, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw isTesseraError(error) ? error : explainFileError(error, { path: directory, action: 'write', osUser: userInfo().username });
  }
  const temp = join(directory, `.tessera-${randomBytes(8).toString('hex')}.tmp`);
  const mode = scope === 'user' ? 0o600 : 0o644;
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    // The umask may have taken bits away; the all-users file must be readable by all.
    fchmodSync(fd, mode);
    writeSync(fd, `${url}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw isTesseraError(error) ? error : explainFileError(error, { path, action: 'write', osUser: userInfo().username });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
