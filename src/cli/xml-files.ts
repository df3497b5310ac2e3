/** ENTSSO XML files in and out: read with errors naming file and line, written only when they read back the same. */
import { explainFileError, fail } from '../errors/index.js';
import { type ApplicationDefinition, decodeXmlBytes, XML_MAX_BYTES } from '../vault/xml/index.js';
import type { CliContext } from './context.js';
import { readFileAtMost, readStream, writeText } from './input.js';
import type { Application } from './vault-types.js';

/**
 * The file's text and the name XML_INVALID messages quote ("-" reads standard input). A file
 * over XML_MAX_BYTES is refused from its size, before it is read. The bytes are decoded as XML
 * says (a byte order mark, else the declared encoding, else UTF-8: see vault/xml/encoding.ts).
 */
export async function readXmlFile(context: CliContext, file: string): Promise<{ text: string; source: string }> {
  const source = file === '-' ? 'standard input' : file;
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStream(process.stdin, XML_MAX_BYTES) : await readFileAtMost(file, XML_MAX_BYTES);
  } catch (error) {
    throw explainFileError(error, { path: file, action: 'read', osUser: context.config.osUser });
  }
  if (bytes.length > XML_MAX_BYTES) {
    throw fail(
      'INPUT_TOO_LARGE',
      `${source} holds more than ${XML_MAX_BYTES} bytes, and Tessera reads at most ${XML_MAX_BYTES} bytes (16 MiB) from it: split the input into smaller files`,
    );
  }
  return { text: decodeXmlBytes(bytes, source), source };
}

export function writeXmlFile(context: CliContext, file: string, xml: string, force: boolean | undefined): Promise<void> {
  return writeText(file, xml, { force, osUser: context.config.osUser });
}

/** What an export writes of an application: its definition, without ids or timestamps. */
export function definitionOf(app: Application): ApplicationDefinition {
  const { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes } = app;
  return { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes };
}
