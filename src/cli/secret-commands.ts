import { isAbsolute } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import { absolutePath } from '../config/index.js';
import type { BackupInfo } from '../keys/index.js';
import type { SecretStatus } from '../service/index.js';
import type { CliContext } from './context.js';
import { readPassword } from './password.js';
import { escapeControl, shown } from './render.js';
import { type GlobalOptions, printJson, runCommand } from './run.js';

interface WriteOptions {
  passwordFile?: string;
  reminder?: string;
  force?: boolean;
  json?: boolean;
}

/** The actions behind `tessera secret ...` and `ssoconfig -...Secret`: one implementation for both. */
export const secretActions = {
  async backup(context: CliContext, file: string, options: WriteOptions): Promise<void> {
    const result = await context.secrets.backup(writeTarget(context, file, options), context.principal);
    if (options.json) return printJson(result);
    process.stdout.write(`Backed up master secret ${result.currentMsid} to ${result.file} (verified).\n`);
  },

  async generate(context: CliContext, file: string, options: WriteOptions): Promise<void> {
    if (context.server !== undefined && !isAbsolute(file)) {
      throw fail(
        'INVALID_ARGUMENT',
        `with a server, the backup of a new master secret is written ON THE SERVER ${context.server.url}, as its user: give the absolute path there, not "${file}"`,
      );
    }
    const result = await context.secrets.generate(writeTarget(context, file, options), context.principal);
    if (options.json) return printJson(result);
    process.stdout.write(`Generated master secret ${result.currentMsid} (previous: ${result.previousMsid}); backup written to ${result.file} and verified.\n`);
  },

  async restore(context: CliContext, file: string, options: WriteOptions): Promise<void> {
    const result = await context.secrets.restore(
      { file: absolutePath(file), force: options.force ?? false, password: (info) => askForExisting(context, info, options) },
      context.principal,
    );
    if (options.json) return printJson(result);
    process.stdout.write(
      shown`Restored master secret ${result.currentMsid} into vault ${result.vaultId}` + `${result.createdVault ? ' (new vault created)' : ''}.\n`,
    );
    // The seal key is the server's when the restore ran there.
    const sealKey = context.server === undefined ? context.config.sealKeyFile : `on the server ${context.server.url}`;
    if (result.newSealKey) {
      process.stdout.write(`A new seal key was created at ${sealKey}: copy it to every other node of this vault.\n`);
    } else if (result.createdVault) {
      process.stdout.write(`The vault is sealed with the existing key ${sealKey}: every other node of this vault needs the same file.\n`);
    }
  },

  async verify(context: CliContext, file: string, options: WriteOptions): Promise<void> {
    const result = await context.secrets.verify({ file: absolutePath(file), password: (info) => askForExisting(context, info, options) }, context.principal);
    if (options.json) return printJson(result);
    process.stdout.write(
      shown`${result.file} is a good backup of vault ${result.vaultId}: it decrypts and holds ${result.msids.join(', ')}` +
        (result.coversCurrent === false ? ' (but not the current master secret: make a new backup)' : '') +
        '.\n',
    );
  },

  async status(context: CliContext, options: { json?: boolean }): Promise<void> {
    const status = await context.secrets.status();
    if (options.json) return printJson(status);
    process.stdout.write(renderStatus(status));
  },
};

function writeTarget(context: CliContext, file: string, options: WriteOptions) {
  return {
    file: absolutePath(file),
    force: options.force ?? false,
    reminder: options.reminder ?? null,
    password: () => readPassword(options, 'new', context.config.osUser),
  };
}

/** Shows what the file says in clear, its reminder first, before asking for its password. */
async function askForExisting(context: CliContext, info: BackupInfo, options: WriteOptions): Promise<string> {
  // The header is whatever the file says, so every field of it is escaped.
  process.stderr.write(
    shown`Backup of vault ${info.vaultId}, made ${info.createdAt} by ${info.createdBy}; current MSID ${info.currentMsid}.\n` +
      `Password reminder: ${info.reminder === null ? '(none)' : escapeControl(info.reminder)}\n`,
  );
  return readPassword(options, 'existing', context.config.osUser);
}

export function renderStatus(status: SecretStatus): string {
  const lines: string[] = [];
  if (status.backupRequired) {
    lines.push(
      `WARNING: master secret ${status.currentMsid} has NO verified backup. If the seal key or the database is lost,`,
      '         every stored credential is lost. Back it up now: tessera secret backup FILE',
      '',
    );
  }
  lines.push(
    `Vault:           ${status.vaultId}`,
    `Store:           ${status.store}`,
    `Seal:            ${status.seal}`,
    shown`Current MSID:    ${status.current.msid} (created ${status.current.createdAt} by ${status.current.createdBy})`,
    `Previous MSID:   ${status.previous[0] ? `${status.previous[0].msid} (created ${status.previous[0].createdAt})` : '(none)'}`,
  );
  const covering = status.backups.filter((backup) => backup.coversCurrent);
  lines.push(
    covering.length === 0
      ? 'Backup:          none of the current master secret'
      : shown`Backup:          ${covering[0]!.file} (${covering[0]!.kind === 'backup' ? 'written' : 'verified'} ${covering[0]!.verifiedAt} by ${covering[0]!.clientUser})`,
  );
  if (covering.length > 1) lines.push(`                 and ${covering.length - 1} more`);
  return `${lines.join('\n')}\n`;
}

const passwordHelp = 'read the password from FILE ("-" for standard input) instead of asking at the terminal';

/** Registers `tessera secret ...`. */
export function addSecretCommands(program: Command, globals: () => GlobalOptions): void {
  const secret = program.command('secret').description('the master secret: status, backup, restore, verify, generate');
  secret
    .command('status')
    .description('show the current and previous master secret and whether the current one has a verified backup')
    .option('--json', 'print JSON: currentMsid, previousMsid, backups, ...')
    .action((options: { json?: boolean }) => runCommand(globals(), (context) => secretActions.status(context, options)));
  secret
    .command('backup')
    .argument('<file>', 'backup file to create')
    .description('write the master secrets to a password-protected file, atomically, and verify it')
    .option('--password-file <file>', passwordHelp)
    .option('--reminder <text>', 'password reminder, stored in clear in the file and shown on restore (max 512 characters)')
    .option('--force', 'replace an existing file (the old one stays intact until the new one is verified)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: WriteOptions) => runCommand(globals(), (context) => secretActions.backup(context, file, options)));
  secret
    .command('restore')
    .argument('<file>', 'backup file to restore')
    .description('install the master secrets from a backup (creates the vault when there is none)')
    .option('--password-file <file>', passwordHelp)
    .option('--force', "accept another vault's backup, or one without this vault's current secret")
    .option('--json', 'print the result as JSON')
    .action((file: string, options: WriteOptions) => runCommand(globals(), (context) => secretActions.restore(context, file, options)));
  secret
    .command('verify')
    .argument('<file>', 'backup file to check')
    .description("prove a backup decrypts and holds this vault's secrets, without changing the vault")
    .option('--password-file <file>', passwordHelp)
    .option('--json', 'print the result as JSON')
    .action((file: string, options: WriteOptions) => runCommand(globals(), (context) => secretActions.verify(context, file, options)));
  secret
    .command('generate')
    .description('make a new master secret (the previous one is kept) and back it up in the same step')
    .requiredOption(
      '--backup <file>',
      'backup file for the new keyring; if it cannot be written, nothing changes (with --server: an absolute path ON THE SERVER, written as its user)',
    )
    .option('--password-file <file>', passwordHelp)
    .option('--reminder <text>', 'password reminder, stored in clear in the file')
    .option('--force', 'replace an existing backup file')
    .option('--json', 'print the result as JSON')
    .action((options: WriteOptions & { backup: string }) => runCommand(globals(), (context) => secretActions.generate(context, options.backup, options)));
}
