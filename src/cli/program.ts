import { Command, Option } from 'commander';
import { ENVIRONMENT } from '../config/index.js';
import { addAppCommands } from './app-commands.js';
import { addConfigCommands } from './config-commands.js';
import { addCredentialCommands } from './credential-commands.js';
import { addEventsCommand } from './events-command.js';
import { addGlobalCommands } from './global-commands.js';
import { addLookupCommand } from './lookup-command.js';
import { addMappingCommands } from './mapping-commands.js';
import { type GlobalOptions, printJson, runLocalCommand } from './run.js';
import { addSecretCommands } from './secret-commands.js';
import { addServeCommand } from './serve-command.js';
import { addTicketCommands } from './ticket-commands.js';
import { addTokenCommands } from './token-commands.js';
import { VERSION } from '../config/index.js';

/** The settings' variables, wrapped; the configuration file takes the same settings under its own keys. */
function environmentHelp(): string {
  const names = Object.keys(ENVIRONMENT).filter((name) => name !== 'TESSERA_TEST_CRASH_AT');
  const lines = [''];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last]!.length + name.length > 100) lines.push('');
    lines[lines.length - 1] += `${lines[lines.length - 1] === '' ? '  ' : ', '}${name}`;
  }
  return (
    '\nEnvironment (default home ~/.tessera; TESSERA_DATABASE_URL=postgres://... selects PostgreSQL):\n' +
    `${lines.join(',\n')}\n` +
    'Each but TESSERA_HOME and TESSERA_TOKEN may also be set in <home>/tessera.toml (database_url, listen, ...);\n' +
    'flags win over the environment, the environment over the file. See docs/configuration.md.'
  );
}

/** The `tessera` command line: every command and option (the docs test walks it). */
export function createProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera: an open enterprise single sign-on credential vault (ENTSSO-compatible)')
    .version(VERSION)
    .addOption(new Option('--home <dir>', 'where the embedded default lives: database, seal key, log').env('TESSERA_HOME'))
    .option('--as <account>', 'vault commands: act as another principal (DOMAIN\\user, no local administrator rights) to test what it may do')
    .option('--groups <groups>', 'with --as: the groups that principal belongs to; with token create: the token\'s groups; separated by "," or ";"')
    .option('--server <url>', 'send the operations to this Tessera server (https://host:8740, or a host name: https://NAME:8740) instead of the local vault')
    .option('--token-file <file>', 'with a server: read the token from FILE (yours, mode 0600) instead of TESSERA_TOKEN or <home>/token')
    .showHelpAfterError()
    // Every command's --help lists --as, --groups and --home too.
    .configureHelp({ showGlobalOptions: true })
    // Usage errors read like every other failure and exit 2 (see tessera.ts).
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'error INVALID_ARGUMENT: ')) })
    .exitOverride()
    .addHelpText('after', environmentHelp());

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('init')
    .description('create a new vault: seal key file, database and first master secret (refuses to touch an existing vault)')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }) =>
      runLocalCommand(globals(), 'tessera init', async (context) => {
        const result = await context.secrets.init(context.principal);
        if (options.json) return printJson(result);
        process.stdout.write(
          `Created vault ${result.vaultId} with master secret ${result.currentMsid}.\n` +
            `  store: ${result.store}\n  seal:  ${result.seal}\n` +
            'It has NO BACKUP yet: run  tessera secret backup FILE  now.\n',
        );
      }),
    );
  addServeCommand(program, globals);
  addSecretCommands(program, globals);
  addEventsCommand(program, globals);
  addAppCommands(program, globals);
  addMappingCommands(program, globals);
  addCredentialCommands(program, globals);
  addLookupCommand(program, globals);
  addTicketCommands(program, globals);
  addConfigCommands(program, globals);
  addGlobalCommands(program, globals);
  addTokenCommands(program, globals);
  return program;
}
