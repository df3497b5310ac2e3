import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import { parseGlobalInfoXml } from '../vault/xml/index.js';
import type { CliContext } from './context.js';
import { renderGlobalInfo } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';
import type { GlobalSettings } from './vault-types.js';
import { readXmlFile } from './xml-files.js';

interface JsonOption {
  json?: boolean;
}

/** yes/no, on/off, true/false, 1/0 in any case, as ssomanage -tickets takes them. */
export function parseSwitchValue(what: string, text: string): boolean {
  const value = text.trim().toLowerCase();
  if (['yes', 'on', 'true', '1'].includes(value)) return true;
  if (['no', 'off', 'false', '0'].includes(value)) return false;
  throw fail('INVALID_ARGUMENT', `${what} takes yes or no (on/off too), not "${text}"`);
}

/** The actions behind `tessera global ...` and ssomanage -displaydb, -updatedb, -tickets. */
export const globalActions = {
  async show(context: CliContext, options: JsonOption): Promise<void> {
    const global = await context.vault.global.get(context.principal);
    if (options.json) return printJson(global);
    process.stdout.write(renderGlobalInfo(global));
  },

  /** Applies the settings a globalInfo file holds; settings it leaves out keep their value. */
  async updateFromFile(context: CliContext, file: string, options: JsonOption): Promise<void> {
    const { text, source } = await readXmlFile(context, file);
    const patch = parseGlobalInfoXml(text, source);
    if (Object.keys(patch).length === 0) throw fail('XML_INVALID', `${source}: its <globalInfo> holds no settings, so nothing would change`);
    await updated(context, patch, options);
  },

  async tickets(context: CliContext, allow: boolean | undefined, validate: boolean | undefined, options: JsonOption): Promise<void> {
    const patch: Partial<GlobalSettings> = {};
    if (allow !== undefined) patch.ticketsAllowed = allow;
    if (validate !== undefined) patch.ticketsValidate = validate;
    if (Object.keys(patch).length === 0) throw fail('INVALID_ARGUMENT', 'give --allow yes|no, --validate yes|no, or both');
    await updated(context, patch, options);
  },
};

async function updated(context: CliContext, patch: Partial<GlobalSettings>, options: JsonOption): Promise<void> {
  const global = await context.vault.global.update(patch, context.principal);
  if (options.json) return printJson(global);
  process.stdout.write(`Updated the SSO system settings (${Object.keys(patch).join(', ')}):\n${renderGlobalInfo(global)}`);
}

/** Registers `tessera global ...`. */
export function addGlobalCommands(program: Command, globals: () => GlobalOptions): void {
  const global = program.command('global').description('the SSO system settings (ENTSSO global info): administrators, tickets, secret server, audit');
  global
    .command('show')
    .description('show the SSO system settings (affiliate administrators and above)')
    .option('--json', 'print the settings as JSON')
    .action((options: JsonOption) => runVaultCommand(globals(), (context) => globalActions.show(context, options)));
  global
    .command('update')
    .description('apply an ENTSSO globalInfo XML file (as ssomanage -updatedb): only the settings it holds change (SSO administrators)')
    .requiredOption('--file <xml>', 'ENTSSO globalInfo XML file (<sso><globalInfo>...); "-" reads standard input')
    .option('--json', 'print the settings as JSON')
    .action((options: JsonOption & { file: string }) => runVaultCommand(globals(), (context) => globalActions.updateFromFile(context, options.file, options)));
  global
    .command('tickets')
    .description('allow tickets and require their validation, system-wide (as ssomanage -tickets) (SSO administrators)')
    .option('--allow <yes|no>', 'allow tickets in this SSO system (applications must allow them too)')
    .option('--validate <yes|no>', 'require validate-and-redeem (redeem --sender) for every application')
    .option('--json', 'print the settings as JSON')
    .action((options: JsonOption & { allow?: string; validate?: string }) =>
      runVaultCommand(globals(), (context) =>
        globalActions.tickets(
          context,
          options.allow === undefined ? undefined : parseSwitchValue('--allow', options.allow),
          options.validate === undefined ? undefined : parseSwitchValue('--validate', options.validate),
          options,
        ),
      ),
    );
}
