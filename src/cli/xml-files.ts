/** ENTSSO XML files in and out: read with errors naming file and line, written only when they read back the same. */
import { type ApplicationDefinition, XML_MAX_BYTES } from '../vault/xml/index.js';
import type { CliContext } from './context.js';
import { readText, writeText } from './input.js';
import type { Application } from './vault-types.js';

/**
 * The file's text and the name XML_INVALID messages quote ("-" reads standard input). A file
 * over XML_MAX_BYTES is refused from its size, before it is read.
 */
export async function readXmlFile(context: CliContext, file: string): Promise<{ text: string; source: string }> {
  return { text: await readText(file, context.config.osUser, XML_MAX_BYTES), source: file === '-' ? 'standard input' : file };
}

export function writeXmlFile(context: CliContext, file: string, xml: string, force: boolean | undefined): Promise<void> {
  return writeText(file, xml, { force, osUser: context.config.osUser });
}

/** What an export writes of an application: its definition, without ids or timestamps. */
export function definitionOf(app: Application): ApplicationDefinition {
  const { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes } = app;
  return { name, type, description, contact, userAccounts, adminAccounts, windowsAccount, fields, flags, ticketTimeoutMinutes };
}
