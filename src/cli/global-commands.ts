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

/** An audit level as ssoconfig -auditlevel takes it: a whole number from 0 to 3. */
export function parseAuditLevel(what: string, text: string): number {
  if (!/^[0-3]$/.test(text.trim())) throw fail('INVALID_ARGUMENT', `${what} is an audit level from 0 (none) to 3 (high), not "${text}"`);
  return Number(text.trim());
}

/** The settings as -displaydb and `tessera global show` print them: the SSO switch first, the audit levels last. */
export function renderSystem(global: GlobalSettings): string {
  const state = global.ssoEnabled ? 'enabled' : 'DISABLED (lookups, tickets and runtime config reads are refused; enable with ssomanage -enablesso)';
  return (
    `SSO:                           ${state}\n` +
    renderGlobalInfo(global) +
    `Audit level:                   positive ${global.auditPositive}, negative ${global.auditNegative} (0-3; stored, not applied yet)\n`
  );
}

/** The actions behind `tessera global ...` and ssomanage -displaydb, -updatedb, -tickets, -enablesso, -disablesso, ssoconfig -auditlevel. */
export const globalActions = {
  async show(context: CliContext, options: JsonOption): Promise<void> {
    const global = await context.vault.global.get(context.principal);
    if (options.json) return printJson(global);
    process.stdout.write(renderSystem(global));
  },

  /** ssomanage -enablesso / -disablesso: SSO administrators. */
  async sso(context: CliContext, enabled: boolean, options: JsonOption): Promise<void> {
    const global = await context.vault.global.update({ ssoEnabled: enabled }, context.principal);
    if (options.json) return printJson(global);
    process.stdout.write(
      enabled
        ? 'The SSO system is enabled: lookups, tickets and runtime config reads are answered.\n'
        : 'The SSO system is disabled: lookups, tickets and runtime config reads are refused until an SSO administrator runs ssomanage -enablesso.\n',
    );
  },

  /** ssoconfig -auditlevel POSITIVE NEGATIVE: SSO administrators. */
  async auditLevel(context: CliContext, levels: { positive?: number; negative?: number }, options: JsonOption): Promise<void> {
    const patch: Partial<GlobalSettings> = {};
    if (levels.positive !== undefined) patch.auditPositive = levels.positive;
    if (levels.negative !== undefined) patch.auditNegative = levels.negative;
    if (Object.keys(patch).length === 0) throw fail('INVALID_ARGUMENT', 'give --positive 0-3, --negative 0-3, or both');
    const global = await context.vault.global.update(patch, context.principal);
    if (options.json) return printJson(global);
    process.stdout.write(
      `Audit level: positive ${global.auditPositive}, negative ${global.auditNegative} (stored; Tessera does not apply audit levels yet).\n`,
    );
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
  process.stdout.write(`Updated the SSO system settings (${Object.keys(patch).join(', ')}):\n${renderSystem(global)}`);
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
  const sso = global.command('sso').description('enable or disable the SSO system (as ssomanage -enablesso / -disablesso) (SSO administrators)');
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    sso
      .command(verb)
      .description(
        enabled
          ? 'enable the SSO system: lookups, tickets and runtime config reads are answered again'
          : 'disable the SSO system: lookups, tickets and runtime config reads are refused (SSO_DISABLED); administration goes on',
      )
      .option('--json', 'print the settings as JSON')
      .action((options: JsonOption) => runVaultCommand(globals(), (context) => globalActions.sso(context, enabled, options)));
  }
  global
    .command('audit')
    .description('set the audit levels, 0 (none) to 3 (high), as ssoconfig -auditlevel (SSO administrators); stored, not applied yet')
    .option('--positive <level>', 'how much of the operations that succeed to audit (ENTSSO default 0)')
    .option('--negative <level>', 'how much of the operations that fail to audit (ENTSSO default 1)')
    .option('--json', 'print the settings as JSON')
    .action((options: JsonOption & { positive?: string; negative?: string }) =>
      runVaultCommand(globals(), (context) =>
        globalActions.auditLevel(
          context,
          {
            ...(options.positive === undefined ? {} : { positive: parseAuditLevel('--positive', options.positive) }),
            ...(options.negative === undefined ? {} : { negative: parseAuditLevel('--negative', options.negative) }),
          },
          options,
        ),
      ),
    );
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
