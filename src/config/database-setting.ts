/**
 * `ssoconfig -setdb`: writes database_url (and database_schema) into <home>/tessera.toml,
 * editing only those lines so the rest of the file, comments included, stays as it was.
 * The result is checked as a whole before it replaces the file, atomically and with mode 0600.
 */
import { userInfo } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'smol-toml';
import { explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import { trustDirectory } from '../files/index.js';
import { writeFileAtomically } from '../keys/index.js';
import { configFromFileText, type TesseraConfig } from './config.js';
import { configFilePath, keyLine, readConfigFile } from './config-file.js';

/** A PostgreSQL database, or undefined for the embedded SQLite file in the home. */
export type DatabaseSetting = { url: string; schema?: string | undefined } | undefined;

/** Returns the configuration the new file gives (flags and environment aside). */
export async function writeDatabaseSetting(home: string, database: DatabaseSetting): Promise<TesseraConfig> {
  try {
    trustDirectory(home, { role: "Tessera's home", create: true });
  } catch (error) {
    if (isTesseraError(error)) throw error;
    const explained = explainFileError(error, { path: home, action: 'write', osUser: userInfo().username });
    throw withMessage(explained, `Tessera's home ${home} cannot be prepared: ${explained.message}`);
  }
  const path = configFilePath(home);
  const existing = readConfigFile(home);
  const before = existing?.text ?? '';
  let after = before;
  if (database === undefined) {
    after = removeKey(removeKey(after, 'database_url'), 'database_schema');
  } else {
    after = setKey(after, 'database_url', database.url);
    if (database.schema !== undefined) after = setKey(after, 'database_schema', database.schema);
  }
  // The whole file must still load, and hold what was asked and nothing else changed.
  const config = configFromFileText(home, path, after);
  const changed = ['database_url', 'database_schema'];
  const others = (text: string) => Object.fromEntries(Object.entries(parse(text)).filter(([key]) => !changed.includes(key)));
  const written = parse(after);
  const expected = database === undefined ? [undefined, undefined] : [database.url, database.schema ?? parse(before).database_schema];
  if (!isDeepStrictEqual(others(before), others(after)) || written.database_url !== expected[0] || written.database_schema !== expected[1]) {
    throw fail(
      'CONFIG_INVALID',
      `${path}: the database_url or database_schema line could not be changed on its own (a value over several lines?): edit the file by hand`,
    );
  }
  // Already so (or -setdb sqlite with no file): nothing to write.
  if (after === before) return config;
  const bytes = Buffer.from(`${existing?.bom ? '\ufeff' : ''}${after}`, 'utf8');
  try {
    await writeFileAtomically(path, bytes, { overwrite: true, verify: async () => undefined, stepPrefix: 'config' });
  } catch (error) {
    if (isTesseraError(error)) throw error;
    const explained = explainFileError(error, { path, action: 'write', osUser: userInfo().username });
    throw withMessage(explained, `Failed to write the configuration file ${path}: ${explained.message}`);
  }
  return config;
}

/** The file's lines, each with its own line ending (a file may mix \n and \r\n). */
function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

const content = (line: string) => line.replace(/\r?\n$/, '');

/** Replaces the line that sets `key` (a comment at its end goes with it), or adds one at the end. */
function setKey(text: string, key: string, value: string): string {
  const lines = splitLines(text);
  const assignment = `${key} = ${JSON.stringify(value)}`;
  const line = keyLine(lines.map(content), key);
  if (line !== undefined) {
    const old = lines[line - 1]!;
    lines[line - 1] = assignment + old.slice(content(old).length);
    return lines.join('');
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text === '' || text.endsWith('\n') ? text : `${text}${eol}`;
  return `${body}${assignment}${eol}`;
}

function removeKey(text: string, key: string): string {
  const lines = splitLines(text);
  const line = keyLine(lines.map(content), key);
  if (line === undefined) return text;
  lines.splice(line - 1, 1);
  return lines.join('');
}
