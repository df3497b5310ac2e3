#!/usr/bin/env node
import { Command, Option } from 'commander';
import { addEventsCommand } from './events-command.js';
import { type GlobalOptions, printJson, runCommand } from './run.js';
import { addSecretCommands } from './secret-commands.js';
import { addStartCommand } from './start-command.js';
import { VERSION } from './version.js';

const program = new Command('tessera')
  .description('Tessera: an open enterprise single sign-on credential vault (ENTSSO-compatible)')
  .version(VERSION)
  .addOption(new Option('--home <dir>', 'where the embedded default lives: database, seal key, log').env('TESSERA_HOME'))
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nEnvironment: TESSERA_HOME (default ~/.tessera), TESSERA_DATABASE_URL (postgres://... selects PostgreSQL),\n' +
      'TESSERA_DATABASE_SCHEMA, TESSERA_SEAL_KEY_FILE, TESSERA_LOG_FILE, TESSERA_BACKUP_KDF. See docs/configuration.md.',
  );

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

program
  .command('init')
  .description('create a new vault: seal key file, database and first master secret (refuses to touch an existing vault)')
  .option('--json', 'print the result as JSON')
  .action((options: { json?: boolean }) =>
    runCommand(globals(), async (context) => {
      const result = await context.secrets.init(context.principal);
      if (options.json) return printJson(result);
      process.stdout.write(
        `Created vault ${result.vaultId} with master secret ${result.currentMsid}.\n` +
          `  store: ${result.store}\n  seal:  ${result.seal}\n` +
          'It has NO BACKUP yet: run  tessera secret backup FILE  now.\n',
      );
    }),
  );
addStartCommand(program, globals);
addSecretCommands(program, globals);
addEventsCommand(program, globals);

await program.parseAsync(process.argv);
