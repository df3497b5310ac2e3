/**
 * The home's configuration file, <home>/tessera.toml: opened like every file of the home (no
 * link followed, the running user's, writable by nobody else), size-checked before it is read,
 * decoded (UTF-8, with or without the BOM a Windows editor adds), parsed as TOML, and every key
 * checked against the known settings. It may be absent. docs/configuration.md documents it.
 */
import { closeSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { parse, TomlError } from 'smol-toml';
import { explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import { openOwnFile, trustDirectory } from '../files/index.js';
import { closestName } from './did-you-mean.js';
import { type Given, tomlType } from './given.js';
import { SETTING_KEYS, type SettingKey } from './settings.js';

export const CONFIG_FILE_NAME = 'tessera.toml';
export const CONFIG_FILE_ROLE = 'the configuration file';
/** A configuration file has a few dozen lines: anything this large is not one. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

export interface ConfigFile {
  readonly path: string;
  /** The text, without a byte order mark. */
  readonly text: string;
  /** The file had a UTF-8 byte order mark (kept when Tessera rewrites it). */
  readonly bom: boolean;
  readonly stat: Stats;
}

export function configFilePath(home: string): string {
  return join(home, CONFIG_FILE_NAME);
}

/** Reads <home>/tessera.toml, or returns undefined when it (or the home) does not exist. */
export function readConfigFile(home: string): ConfigFile | undefined {
  const path = configFilePath(home);
  try {
    // The same walk and words as preparing the home: a home someone else could change is refused before its file is read.
    trustDirectory(home, { role: "Tessera's home", create: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (isTesseraError(error)) throw error;
    const explained = explainFileError(error, { path: home, action: 'read', osUser: userInfo().username });
    throw withMessage(explained, `Tessera's home ${home} cannot be read: ${explained.message}`);
  }
  let fd: number;
  let stat: Stats;
  try {
    ({ fd, stat } = openOwnFile(path, { role: CONFIG_FILE_ROLE, access: 'read', create: 'never', checkDirectory: false }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (isTesseraError(error)) throw error;
    const explained = explainFileError(error, { path, action: 'read', osUser: userInfo().username });
    throw withMessage(explained, `${CONFIG_FILE_ROLE} ${path} cannot be read: ${explained.message}`);
  }
  try {
    if (stat.size > MAX_CONFIG_FILE_BYTES) throw tooLarge(path, stat.size);
    // One byte more than allowed, so a file that grew since fstat shows.
    const buffer = Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1);
    let length = 0;
    for (let count = 1; count > 0 && length < buffer.length; length += count) count = readSync(fd, buffer, length, buffer.length - length, length);
    if (length > MAX_CONFIG_FILE_BYTES) throw tooLarge(path, length);
    const bytes = buffer.subarray(0, length);
    return { path, ...decodeConfigText(path, bytes), stat };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number): Error {
  return fail(
    'CONFIG_INVALID',
    `${path} has ${size} bytes, and a configuration file may have at most ${MAX_CONFIG_FILE_BYTES}: is it the right file? ` +
      'docs/configuration.md has an example',
  );
}

/** UTF-8 only: a UTF-16 file (Notepad's "Unicode") is named as such, with the fix. */
export function decodeConfigText(path: string, bytes: Buffer): { text: string; bom: boolean } {
  const utf16Bom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  // Without a BOM, ASCII text in UTF-16 has a zero byte beside every character.
  const utf16Bare = bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0);
  if (utf16Bom || utf16Bare) {
    throw fail(
      'CONFIG_INVALID',
      `${path} is saved as UTF-16, and Tessera reads configuration files in UTF-8 only: save it as UTF-8 ` + '(in Notepad: File > Save As, Encoding: UTF-8)',
    );
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bom ? bytes.subarray(3) : bytes), bom };
  } catch {
    throw fail('CONFIG_INVALID', `${path} is not valid UTF-8 text: save it as UTF-8`);
  }
}

/** What the file sets: each known key with its TOML value and line. */
export type FileSettings = ReadonlyMap<SettingKey, Given>;

/** Keys that are settings, but not ones the file may hold, and why. */
const NOT_IN_FILE: Record<string, string> = {
  home: 'cannot be set in the configuration file, which is itself found in the home: use --home or TESSERA_HOME',
  token: 'cannot be set in the configuration file: put the API token in a file of its own (mode 0600) and name it with token_file',
  test_crash_at: 'is for tests only and is read from TESSERA_TEST_CRASH_AT, never from the configuration file',
};

/** Parses the file's text; every key must be a known setting (the message suggests the closest one). */
export function parseConfigFile(path: string, text: string, home: string): FileSettings {
  let table: Record<string, unknown>;
  try {
    table = parse(text, { unsafeKeyBehaviour: 'throw' });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // The library's message quotes the lines around the error, which may hold a password: only its first line is kept.
    const problem = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
    throw fail('CONFIG_INVALID', `${path} line ${error.line}, column ${error.column}: ${problem}: fix the TOML syntax (docs/configuration.md has an example)`);
  }
  const lines = text.split(/\r?\n/);
  const settings = new Map<SettingKey, Given>();
  for (const [key, value] of Object.entries(table)) {
    const line = keyLine(lines, key);
    const where = line === undefined ? path : `${path} line ${line}`;
    const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 61)}...` : key);
    if (Object.hasOwn(NOT_IN_FILE, key)) throw fail('CONFIG_INVALID', `${where}: ${key} ${NOT_IN_FILE[key]}`);
    if (!(SETTING_KEYS as string[]).includes(key)) {
      const table = tomlType(value) === 'a table';
      const guess = closestName(key, SETTING_KEYS);
      throw fail(
        'CONFIG_INVALID',
        `${where}: unknown ${table ? 'table' : 'key'} ${shown}` +
          (guess ? `: did you mean ${guess}?` : table ? ': every setting is a top-level key (listen = "...", before any [table])' : '') +
          ' (docs/configuration.md lists the keys)',
      );
    }
    settings.set(key as SettingKey, { value, origin: 'file', name: key, where, base: home });
  }
  return settings;
}

/** The line (from 1) where `key` is set: `key =`, `"key" =`, `key.x =` or a `[key]` header. */
export function keyLine(lines: readonly string[], key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\s*(?:\\[+\\s*)?(?:${escaped}|"${escaped}"|'${escaped}')\\s*[=.\\]]`);
  const index = lines.findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : index + 1;
}
