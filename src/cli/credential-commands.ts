import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import type { CliContext } from './context.js';
import { type LineSource, readSource, splitLines } from './input.js';
import { ask, canPrompt } from './prompt.js';
import { escapeControl, shown } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';
import type { Application } from './vault-types.js';

interface SetOptions extends LineSource {
  json?: boolean;
}

/** The actions behind `tessera credentials set`, `ssomanage -setcredentials` and `ssoclient -setcredentials`. */
export const credentialActions = {
  /**
   * Sets the credentials of ACCOUNT's mapping (for a host group application: of that external
   * user): one value per credential field, asked at the terminal or read one a line from a file
   * or standard input. Never from argv, where every user of the machine can read them.
   */
  async set(context: CliContext, appName: string, account: string, options: SetOptions): Promise<void> {
    const app = await context.vault.applications.get(appName, context.principal);
    const fields = credentialFields(app);
    const text = await readSource(options, context.config.osUser);
    const values = text === undefined ? await askValues(app, fields) : splitLines(text);
    await context.vault.mappings.setCredentials(app.name, account, values, context.principal);
    if (options.json) return printJson({ application: app.name, account, fields: fields.map((field) => field.label) });
    process.stdout.write(shown`Set the credentials of ${account} for ${app.name}; the mapping is enabled.\n`);
  },
};

/** Fields 1..n in ordinal order: the values the service expects, in that order. */
function credentialFields(app: Application): Application['fields'] {
  return [...app.fields].sort((a, b) => a.ordinal - b.ordinal).filter((field) => field.ordinal > 0);
}

async function askValues(app: Application, fields: Application['fields']): Promise<string[]> {
  if (!canPrompt()) {
    throw fail('INVALID_ARGUMENT', 'there is no terminal to ask for the credentials on: give them one per line with --from-file FILE or --stdin');
  }
  const cancelled = () => fail('INVALID_ARGUMENT', 'cancelled at the prompt: no credentials were changed');
  process.stderr.write(`Credentials for ${escapeControl(app.name)} (${fields.length} field${fields.length === 1 ? '' : 's'}):\n`);
  const values: string[] = [];
  for (const field of fields) {
    const label = escapeControl(field.label);
    const value = await ask(`${label}: `, { hidden: field.masked, cancelled });
    if (field.masked) {
      const again = await ask(`Confirm ${label}: `, { hidden: true, cancelled });
      if (again !== value) throw fail('PASSWORD_MISMATCH', `the two entries of ${field.label} differ: no credentials were changed; run the command again`);
    }
    values.push(value);
  }
  return values;
}

export const credentialSourceHelp = {
  fromFile: 'read the values from FILE, one line per credential field (field 1 first)',
  stdin: 'read the values from standard input, one line per credential field',
};

/** Registers `tessera credentials ...`. */
export function addCredentialCommands(program: Command, globals: () => GlobalOptions): void {
  const credentials = program.command('credentials').description('the credentials of a mapping (never taken from the command line)');
  credentials
    .command('set')
    .argument('<app>', 'affiliate application')
    .argument('<account>', 'enterprise account of the mapping, DOMAIN\\user (host group applications: the external user)')
    .description('set the credential fields of a mapping, asked at the terminal (masked ones without echo, twice) or read one per line; enables the mapping')
    .option('--from-file <file>', credentialSourceHelp.fromFile)
    .option('--stdin', credentialSourceHelp.stdin)
    .option('--json', 'print {"application", "account", "fields"} as JSON (never the values)')
    .action((app: string, account: string, options: SetOptions) =>
      runVaultCommand(globals(), (context) => credentialActions.set(context, app, account, options)),
    );
}
