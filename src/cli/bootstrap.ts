import { closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openOwnFile } from '../files/index.js';
import type { LocalContext } from './context.js';

/** ENTSSO's default name for the group whose members administer the SSO system. */
const SSO_ADMINISTRATORS = 'SSO Administrators';

/** Where the first token goes when standard output is not a terminal (a service manager's log is no place for it). */
export const BOOTSTRAP_TOKEN_FILE = 'first-admin-token';

/**
 * On a vault's first start (no API token was ever made), makes the first SSO administrator
 * token, as the local administrator at the server's console: no HTTP endpoint ever bootstraps an
 * administrator. When the vault has no SSO administrators group yet, it gets `HOST\SSO
 * Administrators` (ENTSSO's default), and the token's principal, `HOST\user` of the OS user
 * running the server, is made a member of it. The token is shown once: on the terminal, or,
 * when standard output goes to a log, in a file only this user can read.
 */
export async function bootstrapAdministrator(context: LocalContext, url: string): Promise<void> {
  const { tokens, vault, principal, config } = context;
  if ((await tokens.list(principal, { includeRevoked: true })).length > 0) return;
  let global = await vault.global.get(principal);
  if (global.ssoAdminAccounts.length === 0) {
    global = await vault.global.update({ ssoAdminAccounts: [`${config.computerName}\\${SSO_ADMINISTRATORS}`] }, principal);
  }
  const group = global.ssoAdminAccounts[0]!;
  const created = await tokens.create(
    { account: `${config.computerName}\\${config.osUser}`, groups: [group], description: 'first SSO administrator token, made by tessera serve' },
    principal,
  );
  const how =
    `  Use it:  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/applications\n` +
    `  It names ${created.account}, a member of ${group}. Make more with: tessera token create ACCOUNT --groups "${group}"\n`;
  if (process.stdout.isTTY) {
    process.stdout.write(`\nFirst SSO administrator token (shown only this once; Tessera keeps only a hash):\n\n  ${created.token}\n\n${how}\n`);
    return;
  }
  const file = join(config.home, BOOTSTRAP_TOKEN_FILE);
  // O_EXCL: a file already there (planted, or a link) is refused rather than written through.
  const { fd } = openOwnFile(file, { role: 'the first administrator token', access: 'readwrite', create: 'new', checkDirectory: false });
  try {
    writeFileSync(fd, `${created.token}\n`);
  } finally {
    closeSync(fd);
  }
  process.stdout.write(
    `\nFirst SSO administrator token (id ${created.id}) written to ${file} (mode 0600), not to this log: read it, keep it in a secret manager, then delete the file.\n${how}\n`,
  );
}
