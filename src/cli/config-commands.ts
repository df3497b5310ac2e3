import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import type { ConfigValues } from '../service/index.js';
import type { CliContext } from './context.js';
import { type LineSource, readSource, splitLines } from './input.js';
import { shown } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';

interface JsonOption {
  json?: boolean;
}

interface GetOptions extends JsonOption {
  runtime?: boolean;
  showSecrets?: boolean;
}

/** `Label=value` lines (the value is everything after the first "="); blank lines and `#` comments are skipped. */
export function parseConfigLines(text: string, source: string): ConfigValues {
  const values: ConfigValues = {};
  const seen = new Set<string>();
  splitLines(text).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const equals = line.indexOf('=');
    const label = equals < 0 ? '' : line.slice(0, equals).trim();
    if (label === '') throw fail('INVALID_ARGUMENT', `${source} line ${index + 1}: write Label=value (the field's label, "=", then the value)`);
    if (seen.has(label.toLowerCase())) throw fail('INVALID_ARGUMENT', `${source} line ${index + 1}: ${label} is given twice`);
    seen.add(label.toLowerCase());
    values[label] = line.slice(equals + 1);
  });
  return values;
}

export const configActions = {
  async set(context: CliContext, app: string, identifier: string, options: LineSource & JsonOption): Promise<void> {
    const text = await readSource(options, context.config.osUser);
    if (text === undefined) throw fail('INVALID_ARGUMENT', 'give the values as Label=value lines with --from-file FILE or --stdin');
    const values = parseConfigLines(text, options.stdin ? 'standard input' : options.fromFile!);
    await context.vault.config.set(app, identifier, values, context.principal);
    if (options.json) return printJson({ application: app, identifier, fields: Object.keys(values) });
    process.stdout.write(`Wrote ${Object.keys(values).length} field(s) of ${identifier} in ${app}.\n`);
  },

  async get(context: CliContext, app: string, identifier: string, options: GetOptions): Promise<void> {
    const values = await context.vault.config.get(app, identifier, options.runtime ? 'runtime' : 'admin', context.principal);
    // Masked values print only when asked for, whatever the read mode. The masks come from the
    // definition; a caller who may not read it sees every value as masked.
    const definition = await context.vault.applications.get(app, context.principal).catch(() => undefined);
    const masked = (label: string) => definition?.fields.find((field) => field.label === label)?.masked ?? true;
    const visible = Object.entries(values).filter(([label]) => options.showSecrets || !masked(label));
    if (options.json) return printJson(Object.fromEntries(visible));
    const hidden = Object.keys(values).filter((label) => !options.showSecrets && masked(label));
    // A comment, not a placeholder value: the output stays safe to feed back to `config set`.
    const notes = hidden.map((label) => shown`# ${label} is masked: add --show-secrets to print it\n`);
    process.stdout.write(visible.map(([label, value]) => shown`${label}=${value}\n`).join('') + notes.join(''));
  },

  async delete(context: CliContext, app: string, identifier: string, options: JsonOption): Promise<void> {
    await context.vault.config.delete(app, identifier, context.principal);
    if (options.json) return printJson({ deleted: { application: app, identifier } });
    process.stdout.write(`Deleted config entry ${identifier} of ${app}.\n`);
  },
};

/** Registers `tessera config ...`. */
export function addConfigCommands(program: Command, globals: () => GlobalOptions): void {
  const config = program.command('config').description('the config store: encrypted property bags of config store applications, by identifier');
  const appArgument = ['<app>', 'config store application'] as const;
  const identifierArgument = ['<identifier>', 'entry identifier, usually a GUID'] as const;
  config
    .command('set')
    .argument(...appArgument)
    .argument(...identifierArgument)
    .description('write an entry from Label=value lines (a first write needs every field; later ones may give some) (application administrators)')
    .option('--from-file <file>', 'read the Label=value lines from FILE')
    .option('--stdin', 'read the Label=value lines from standard input')
    .option('--json', 'print {"application", "identifier", "fields"} as JSON (never the values)')
    .action((app: string, identifier: string, options: LineSource & JsonOption) =>
      runVaultCommand(globals(), (context) => configActions.set(context, app, identifier, options)),
    );
  config
    .command('get')
    .argument(...appArgument)
    .argument(...identifierArgument)
    .description(
      'print an entry as Label=value lines: administrators read it without its masked fields, --runtime reads all; masked values print only with --show-secrets',
    )
    .option('--runtime', "run-time read, as the application's users do: every field, masked ones included")
    .option('--show-secrets', 'print masked fields (otherwise a # comment names them, and --json leaves them out)')
    .option('--json', 'print the fields as a JSON object')
    .action((app: string, identifier: string, options: GetOptions) =>
      runVaultCommand(globals(), (context) => configActions.get(context, app, identifier, options)),
    );
  config
    .command('delete')
    .argument(...appArgument)
    .argument(...identifierArgument)
    .description('delete an entry (application administrators)')
    .option('--json', 'print {"deleted": {...}} as JSON')
    .action((app: string, identifier: string, options: JsonOption) =>
      runVaultCommand(globals(), (context) => configActions.delete(context, app, identifier, options)),
    );
}
