/** ENTSSO XML files in and out: read with errors naming file and line, written only when they read back the same. */
import { explainFileError, fail } from '../errors/index.js';
import { type ApplicationDefinition, decodeXmlBytes, XML_MAX_BYTES } from '../vault/xml/index.js';
import type { CliContext } from './context.js';
import { readFileAtMost, readStream, writeText } from './input.js';
import type { Application } from './vault-types.js';

/**
 * The file's text and the name XML_INVALID messages quote ("-" reads standard input). A file
 * over its limit is refused from its size, before it is read: XML_MAX_BYTES, or twice that for a
 * file that starts with a UTF-16 byte order mark, which spends two bytes where UTF-8 spends one
 * (PowerShell 5.1 writes files so), so that both hold as many mappings. The bytes are decoded as
 * XML says (a byte order mark, else the declared encoding, else UTF-8: see vault/xml/encoding.ts).
 */
export async function readXmlFile(context: CliContext, file: string): Promise<{ text: string; source: string }> {
  const source = file === '-' ? 'standard input' : file;
  let bytes: Buffer;
  try {
    // Standard input and pipes show no head first: read to the larger limit, then hold them to theirs.
    bytes = file === '-' ? await readStream(process.stdin, 2 * XML_MAX_BYTES) : await readFileAtMost(file, xmlLimit);
  } catch (error) {
    throw explainFileError(error, { path: file, action: 'read', osUser: context.config.osUser });
  }
  const limit = bytes.length > XML_MAX_BYTES ? xmlLimit(bytes) : XML_MAX_BYTES;
  if (bytes.length > limit) {
    const size = limit > XML_MAX_BYTES ? `${limit} bytes (32 MiB in UTF-16)` : `${limit} bytes (16 MiB)`;
    throw fail('INPUT_TOO_LARGE', `${source} holds more than ${limit} bytes, and Tessera reads at most ${size} from it: split the input into smaller files`);
  }
  return { text: decodeXmlBytes(bytes, source), source };
}

/** XML_MAX_BYTES, or twice that after a UTF-16 byte order mark (or for a pipe, whose head is not known before it is read). */
function xmlLimit(head: Buffer | undefined): number {
  const utf16 = head === undefined || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  return utf16 ? 2 * XML_MAX_BYTES : XML_MAX_BYTES;
}

export function writeXmlFile(context: CliContext, file: string, xml: string, force: boolean | undefined): Promise<void> {
  return writeText(file, xml, { force, osUser: context.config.osUser });
}

/** What an export writes of an application: its definition, without ids or timestamps. */
export function definitionOf(app: Application): ApplicationDefinition {
  const { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes } = app;
  return { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes };
}
