#!/usr/bin/env node
import { EXIT, reportFailure, runCommand } from './run.js';
import { secretActions } from './secret-commands.js';
import { parseSwitches, type SwitchGrammar } from './switches.js';

/**
 * ENTSSO's `ssoconfig`, for existing scripts: -backupSecret, -restoreSecret, -generateSecret
 * (switches are case-insensitive, as ENTSSO's), plus Tessera's password options.
 */
const USAGE = `Usage: ssoconfig <switch> [options]

Switches (case-insensitive, "-" or "/"):
  -backupSecret <file>     back up the master secrets to a password-protected file
  -restoreSecret <file>    restore the master secrets from a backup file
  -generateSecret <file>   generate a new master secret and back it up to <file>
  -help                    show this help

Options:
  --password-file <file>   read the password from <file> ("-" for standard input) instead of asking
  --reminder <text>        password reminder stored in clear in the backup (backup, generate)
  --force                  replace an existing file / accept a backup of another vault (restore)
  --home <dir>             Tessera home (default: TESSERA_HOME or ~/.tessera)
  --json                   print the result as JSON
`;

const OPERATIONS = { backupsecret: 'backup', restoresecret: 'restore', generatesecret: 'generate' } as const;
type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];

const GRAMMAR = {
  switches: { backupsecret: { args: 1 }, restoresecret: { args: 1 }, generatesecret: { args: 1 } },
  options: {
    passwordFile: { names: ['password-file', 'passwordfile'], value: true },
    reminder: { names: ['reminder'], value: true },
    force: { names: ['force'], value: false },
    json: { names: ['json'], value: false },
    home: { names: ['home'], value: true },
  },
  usage: USAGE,
} satisfies SwitchGrammar<string, string>;

interface Parsed {
  operation?: Operation;
  file?: string;
  help: boolean;
  home?: string | undefined;
  options: { passwordFile?: string; reminder?: string; force?: boolean; json?: boolean };
}

export function parseSsoconfigArgs(args: string[]): Parsed {
  const { command, options, flags, help } = parseSwitches(args, GRAMMAR);
  const parsed: Parsed = { help, home: options.home, options: {} };
  if (command) {
    parsed.operation = OPERATIONS[command.name];
    parsed.file = command.args[0]!;
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
  const { operation, file } = parsed;
  if (parsed.help || !operation || file === undefined) {
    (parsed.help ? process.stdout : process.stderr).write(USAGE);
    process.exitCode = parsed.help ? EXIT.ok : EXIT.usage;
    return;
  }
  await runCommand({ home: parsed.home }, (context) => secretActions[operation](context, file, parsed.options));
}

await main();
