#!/usr/bin/env node
import { databaseFromSetdb, setDatabase, showDatabase } from './database-switches.js';
import { globalActions, parseAuditLevel } from './global-commands.js';
import { EXIT, reportFailure, runCommand, runVaultCommand } from './run.js';
import { secretActions } from './secret-commands.js';
import { parseSwitches, type SwitchGrammar } from './switches.js';
import { fail } from '../errors/index.js';

/**
 * ENTSSO's `ssoconfig`, for existing scripts: -backupSecret, -restoreSecret, -generateSecret,
 * -setDB, -showDB and -auditLevel (switches are case-insensitive, as ENTSSO's), plus Tessera's
 * password options. Its other documented switches answer "not supported yet" with what to do.
 */
const USAGE = `Usage: ssoconfig <switch> [options]

Switches (case-insensitive, "-" or "/"):
  -backupSecret <file>     back up the master secrets to a password-protected file
  -restoreSecret <file>    restore the master secrets from a backup file
  -generateSecret <file>   generate a new master secret and back it up to <file>
  -setDB <server> <database>
                           point Tessera at the PostgreSQL database <database> on <server> (HOST[:PORT]),
                           written to <home>/tessera.toml; or one postgres:// URL (without a password),
                           or "sqlite" for the embedded SQLite file in the home
  -showDB                  show the database Tessera uses and where that setting comes from
  -auditLevel <positive> <negative>
                           set the audit levels, 0 (none) to 3 (high), of operations that succeed
                           and fail (ENTSSO's defaults: 0 and 1); stored and shown by ssomanage
                           -displaydb, not applied yet (SSO administrators)
  -help                    show this help

Not supported yet (exit 2, with what to do instead):
  -setSSL <yes|no>         TLS is set by the server's and the database's settings
  -remoteLookup <yes|no>   every Tessera server answers lookups over HTTPS to authorized callers
  -allowPS <PCNS|MIIS> <yes|no>
                           password synchronization is not part of Tessera
  -syncAge <hours>         the same
  -replayFiles <dir|-default>
                           the same

Switches may be typed with an en dash, as on Microsoft's pages: read as "-", with a note.

Options:
  --password-file <file>   read the password from <file> ("-" for standard input) instead of asking
  --reminder <text>        password reminder stored in clear in the backup (backup, generate)
  --force                  replace an existing file / accept a backup of another vault (restore)
  --schema <name>          -setDB: the PostgreSQL schema for Tessera's tables (database_schema)
  --server <url>           act on this Tessera server (default: TESSERA_ADDR, then the -server
                           setting); -backupSecret then writes the file here, -restoreSecret
                           uploads it, -generateSecret names a file ON THE SERVER (absolute path)
  --token-file <file>      with a server: read the token from <file> (yours, mode 0600)
  --home <dir>             Tessera home (default: TESSERA_HOME or ~/.tessera)
  --json                   print the result as JSON
`;

const OPERATIONS = { backupsecret: 'backup', restoresecret: 'restore', generatesecret: 'generate' } as const;
type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];
type DatabaseOperation = 'setdb' | 'showdb';

const NO_PASSWORD_SYNC = 'Tessera has no password synchronization (PCNS, MIIS, adapters): set changed passwords with ssomanage -setcredentials';

/** ENTSSO's documented ssoconfig switches Tessera does not offer yet, with what to do instead. */
const UNSUPPORTED = {
  setssl:
    "the server's TLS is set by tls_cert_file and tls_key_file (tessera.toml or TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, see docs/configuration.md); the database connection by its postgres:// URL (-setDB)",
  remotelookup:
    'every Tessera server answers lookups over its HTTPS API to callers whose token allows them (tessera serve, tessera token create); there is nothing to switch',
  allowps: NO_PASSWORD_SYNC,
  syncage: NO_PASSWORD_SYNC,
  replayfiles: NO_PASSWORD_SYNC,
};

const GRAMMAR = {
  switches: {
    backupsecret: { args: 1 },
    restoresecret: { args: 1 },
    generatesecret: { args: 1 },
    setdb: { args: 1, optional: 1 },
    showdb: { args: 0 },
    auditlevel: { args: 2 },
  },
  options: {
    passwordFile: { names: ['password-file', 'passwordfile'], value: true },
    reminder: { names: ['reminder'], value: true },
    force: { names: ['force'], value: false },
    schema: { names: ['schema'], value: true },
    json: { names: ['json'], value: false },
    home: { names: ['home'], value: true },
    server: { names: ['server'], value: true },
    tokenFile: { names: ['token-file', 'tokenfile'], value: true },
  },
  usage: USAGE,
  unsupported: UNSUPPORTED,
} satisfies SwitchGrammar<string, string>;

interface Parsed {
  operation?: Operation;
  file?: string;
  /** -setdb and -showdb: the database setting, not the vault. */
  database?: { operation: DatabaseOperation; args: string[] };
  /** -auditlevel: the global settings. */
  auditLevel?: { positive: string; negative: string };
  schema?: string;
  help: boolean;
  home?: string | undefined;
  server?: string | undefined;
  tokenFile?: string | undefined;
  options: { passwordFile?: string; reminder?: string; force?: boolean; json?: boolean };
}

export function parseSsoconfigArgs(args: string[]): Parsed {
  const { command, options, flags, help } = parseSwitches(args, GRAMMAR);
  const parsed: Parsed = { help, home: options.home, server: options.server, tokenFile: options.tokenFile, options: {} };
  if (command?.name === 'setdb' || command?.name === 'showdb') {
    parsed.database = { operation: command.name, args: command.args };
  } else if (command?.name === 'auditlevel') {
    parsed.auditLevel = { positive: command.args[0]!, negative: command.args[1]! };
  } else if (command) {
    parsed.operation = OPERATIONS[command.name];
    parsed.file = command.args[0]!;
  }
  if (options.schema !== undefined) {
    if (command?.name !== 'setdb') throw fail('INVALID_ARGUMENT', `--schema goes with -setDB only\n\n${USAGE}`);
    parsed.schema = options.schema;
  }
  if (options.passwordFile !== undefined) parsed.options.passwordFile = options.passwordFile;
  if (options.reminder !== undefined) parsed.options.reminder = options.reminder;
  if (flags.force) parsed.options.force = true;
  if (flags.json) parsed.options.json = true;
  return parsed;
}

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parseSsoconfigArgs(process.argv.slice(2));
  } catch (error) {
    process.exitCode = reportFailure(error);
    return;
  }
  if (parsed.database && !parsed.help) {
    await databaseSwitch(parsed, parsed.database);
    return;
  }
  if (parsed.auditLevel && !parsed.help) {
    await auditLevelSwitch(parsed, parsed.auditLevel);
    return;
  }
  const { operation, file } = parsed;
  if (parsed.help || !operation || file === undefined) {
    (parsed.help ? process.stdout : process.stderr).write(USAGE);
    process.exitCode = parsed.help ? EXIT.ok : EXIT.usage;
    return;
  }
  await runCommand({ home: parsed.home, server: parsed.server, tokenFile: parsed.tokenFile }, (context) =>
    secretActions[operation](context, file, parsed.options),
  );
}

/** -auditLevel POSITIVE NEGATIVE: the global settings, on this machine's vault or the server. */
async function auditLevelSwitch(parsed: Parsed, levels: NonNullable<Parsed['auditLevel']>): Promise<void> {
  if (parsed.options.passwordFile !== undefined || parsed.options.reminder !== undefined || parsed.options.force) {
    process.exitCode = reportFailure(
      fail('INVALID_ARGUMENT', `--password-file, --reminder and --force go with the secret switches, not -auditLevel\n\n${USAGE}`),
    );
    return;
  }
  await runVaultCommand({ home: parsed.home, server: parsed.server, tokenFile: parsed.tokenFile }, (context) =>
    globalActions.auditLevel(
      context,
      { positive: parseAuditLevel('-auditLevel <positive>', levels.positive), negative: parseAuditLevel('-auditLevel <negative>', levels.negative) },
      { json: parsed.options.json === true },
    ),
  );
}

async function databaseSwitch(parsed: Parsed, database: NonNullable<Parsed['database']>): Promise<void> {
  const flags = { home: parsed.home };
  const json = parsed.options.json === true;
  try {
    if (parsed.options.passwordFile !== undefined || parsed.options.reminder !== undefined || parsed.options.force) {
      throw fail(
        'INVALID_ARGUMENT',
        `--password-file, --reminder and --force go with the secret switches, not ${database.operation === 'setdb' ? '-setDB' : '-showDB'}\n\n${USAGE}`,
      );
    }
    if (database.operation === 'showdb') showDatabase(flags, process.env, json);
    else await setDatabase(flags, process.env, databaseFromSetdb(database.args, parsed.schema), json);
  } catch (error) {
    process.exitCode = reportFailure(error);
  }
}

await main();
