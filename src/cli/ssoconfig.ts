#!/usr/bin/env node
import { fail } from '../errors/index.js';
import { EXIT, reportFailure, runCommand } from './run.js';
import { secretActions } from './secret-commands.js';

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

const SWITCHES = { backupsecret: 'backup', restoresecret: 'restore', generatesecret: 'generate' } as const;
type Operation = (typeof SWITCHES)[keyof typeof SWITCHES];

interface Parsed {
  operation?: Operation;
  file?: string;
  help: boolean;
  home?: string | undefined;
  options: { passwordFile?: string; reminder?: string; force?: boolean; json?: boolean };
}

export function parseSsoconfigArgs(args: string[]): Parsed {
  const parsed: Parsed = { help: false, options: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw fail('INVALID_ARGUMENT', `${arg} needs a value\n\n${USAGE}`);
      return next;
    };
    const name = arg.replace(/^(--|-|\/)/, '').toLowerCase();
    if (name in SWITCHES) {
      if (parsed.operation) throw fail('INVALID_ARGUMENT', `give one switch at a time (got ${arg} after another)`);
      parsed.operation = SWITCHES[name as keyof typeof SWITCHES];
      parsed.file = value();
    } else if (name === 'help' || name === '?' || name === 'h') parsed.help = true;
    else if (name === 'password-file' || name === 'passwordfile') parsed.options.passwordFile = value();
    else if (name === 'reminder') parsed.options.reminder = value();
    else if (name === 'force') parsed.options.force = true;
    else if (name === 'json') parsed.options.json = true;
    else if (name === 'home') parsed.home = value();
    else throw fail('INVALID_ARGUMENT', `unknown or unsupported switch ${arg}\n\n${USAGE}`);
  }
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
