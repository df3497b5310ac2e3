import type { Command } from 'commander';
import { fail, isTesseraError, withMessage } from '../errors/index.js';
import type { ApplicationChanges } from '../service/index.js';
import { nameKey } from '../vault/index.js';
import { type ApplicationStatement, applicationsToXml, parseApplicationsXml, parseApplicationUpdatesXml } from '../vault/xml/index.js';
import type { CliContext } from './context.js';
import { splitAccountList } from './principal.js';
import { marker, printNote, renderApplication, renderApplicationList, shown } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';
import type { Application } from './vault-types.js';
import { definitionOf, readXmlFile, writeXmlFile } from './xml-files.js';

interface JsonOption {
  json?: boolean;
}

const say = (text: string) => process.stdout.write(`${text}\n`);
const state = (app: Application) => `${marker(app.flags.enableApp)} ${app.flags.enableApp ? 'enabled' : 'disabled'}`;

/** The actions behind `tessera app ...`, `ssomanage` and `ssoclient`: one implementation for all. */
export const appActions = {
  /** Creates every application of the file (created disabled, then enabled where it says enableApp=yes). */
  async createFromFile(context: CliContext, file: string, options: JsonOption): Promise<void> {
    const { text, source } = await readXmlFile(context, file);
    const definitions = parseApplicationsXml(text, source, printNote);
    const { applications } = context.vault;
    const created: Application[] = [];
    for (const definition of definitions) {
      await inItem(`application ${definition.name}`, created, async () => {
        let app = await applications.create(definition, context.principal);
        if (definition.flags.enableApp) app = await applications.setEnabled(app.name, true, context.principal);
        created.push(app);
        if (!options.json) say(shown`Created application ${app.name} ${state(app)}.`);
      });
    }
    if (options.json) return printJson(created);
    if (created.length === 0) say(shown`${source} defines no applications: nothing was created.`);
  },

  /** ENTSSO's -updateapps: each application of the file changes in what the file states, and nothing else. */
  async updateFromFile(context: CliContext, file: string, options: JsonOption): Promise<void> {
    const { text, source } = await readXmlFile(context, file);
    const { applications } = context.vault;
    const updated: Application[] = [];
    for (const statement of parseApplicationUpdatesXml(text, source, printNote)) {
      await inItem(`application ${statement.name}`, updated, async () => {
        let app = await applications.get(statement.name, context.principal);
        const changes = changesTo(app, statement);
        if (Object.keys(changes).length > 0) app = await applications.update(app.name, changes, context.principal);
        const enable = statement.flags.enableApp;
        if (enable !== undefined && enable !== app.flags.enableApp) app = await applications.setEnabled(app.name, enable, context.principal);
        updated.push(app);
        if (!options.json) say(shown`Updated application ${app.name} ${state(app)}.`);
      });
    }
    if (options.json) printJson(updated);
  },

  async list(context: CliContext, options: JsonOption & { all?: boolean }): Promise<void> {
    const apps = await context.vault.applications.list(context.principal, { all: options.all ?? false });
    if (options.json) return printJson(apps);
    process.stdout.write(renderApplicationList(apps));
  },

  async show(context: CliContext, name: string, options: JsonOption): Promise<void> {
    const app = await context.vault.applications.get(name, context.principal);
    if (options.json) return printJson(app);
    process.stdout.write(renderApplication(app));
  },

  async update(context: CliContext, name: string, changes: ApplicationChanges, options: JsonOption): Promise<void> {
    const app = await context.vault.applications.update(name, changes, context.principal);
    if (options.json) return printJson(app);
    say(shown`Updated application ${app.name}.`);
  },

  async setEnabled(context: CliContext, name: string, enabled: boolean, options: JsonOption): Promise<void> {
    const app = await context.vault.applications.setEnabled(name, enabled, context.principal);
    if (options.json) return printJson(app);
    say(shown`Application ${app.name} is ${state(app)}.`);
  },

  async delete(context: CliContext, name: string, options: JsonOption): Promise<void> {
    await context.vault.applications.delete(name, context.principal);
    if (options.json) return printJson({ deleted: name });
    say(shown`Deleted application ${name} with its mappings, credentials and config entries.`);
  },

  /** ENTSSO's -purgecache: every Tessera process drops its cached credentials (see docs/architecture.md). */
  async purgeCache(context: CliContext, name: string, options: JsonOption): Promise<void> {
    await context.vault.lookup.purgeCache(name, context.principal);
    if (options.json) return printJson({ application: name, purged: true });
    say(
      shown`Purged the credential cache for ${name}: every Tessera process reads credentials from the vault again (a server within its recheck window, 1 second by default).`,
    );
  },

  /** Writes the named applications (or every one the caller may see) as an applications file. */
  async exportTo(context: CliContext, names: readonly string[], file: string, options: JsonOption & { force?: boolean }): Promise<void> {
    const { applications } = context.vault;
    const apps =
      names.length > 0
        ? await Promise.all(names.map((name) => applications.get(name, context.principal)))
        : (await applications.list(context.principal, { all: true })).sort((a, b) => compareNames(a.name, b.name));
    await writeXmlFile(context, file, applicationsToXml(apps.map(definitionOf)), options.force);
    if (options.json) return printJson({ file, applications: apps.map((app) => app.name) });
    if (file !== '-') say(shown`Exported ${apps.length} application(s) to ${file}: ${apps.map((app) => app.name).join(', ') || '(none)'}.`);
  },
};

const compareNames = (a: string, b: string) => {
  const [x, y] = [nameKey(a), nameKey(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Runs one item of a file; a failure names the item and what the file already changed. */
export async function inItem(what: string, done: ReadonlyArray<{ name: string } | string>, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isTesseraError(error)) throw error;
    const names = done.map((item) => (typeof item === 'string' ? item : item.name));
    throw withMessage(error, `${what}: ${error.message}${names.length > 0 ? ` (done before it: ${names.join(', ')})` : ''}`);
  }
}

/** The changes the file states for `app`: only what it states and what differs, so no role is needed for what stays. */
function changesTo(app: Application, statement: ApplicationStatement): ApplicationChanges {
  const fieldsOf = (fields: Application['fields']) => JSON.stringify([...fields].sort((a, b) => a.ordinal - b.ordinal));
  if (statement.fields !== undefined && fieldsOf(statement.fields) !== fieldsOf(app.fields)) {
    throw fail(
      'APP_IMMUTABLE',
      `the fields of ${app.name} cannot change after creation: leave <field> out of the file to keep them, or delete and recreate the application`,
    );
  }
  const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);
  const changes: ApplicationChanges = {};
  if (statement.description !== undefined && statement.description !== app.description) changes.description = statement.description;
  if (statement.contact !== undefined && statement.contact !== app.contact) changes.contact = statement.contact;
  if (statement.userAccounts !== undefined && !sameList(statement.userAccounts, app.userAccounts)) changes.userAccounts = statement.userAccounts;
  if (statement.adminAccounts !== undefined && !sameList(statement.adminAccounts, app.adminAccounts)) changes.adminAccounts = statement.adminAccounts;
  if (statement.windowsAccount !== undefined && statement.windowsAccount !== app.windowsAccount) changes.windowsAccount = statement.windowsAccount;
  if (statement.ticketTimeoutMinutes !== undefined && statement.ticketTimeoutMinutes !== app.ticketTimeoutMinutes) {
    changes.ticketTimeoutMinutes = statement.ticketTimeoutMinutes;
  }
  // The type follows from groupApp, configStoreApp and <windowsAccount>, which the service keeps as created (APP_IMMUTABLE).
  const flags = Object.fromEntries(
    Object.entries(statement.flags).filter(([name, value]) => name !== 'enableApp' && app.flags[name as keyof typeof app.flags] !== value),
  );
  if (Object.keys(flags).length > 0) changes.flags = flags;
  return changes;
}

interface UpdateOptions extends JsonOption {
  file?: string;
  description?: string;
  contact?: string;
  users?: string;
  admins?: string;
  ticketTimeout?: string;
}

function changesFromOptions(options: UpdateOptions): ApplicationChanges {
  const changes: ApplicationChanges = {};
  if (options.description !== undefined) changes.description = options.description;
  if (options.contact !== undefined) changes.contact = options.contact;
  if (options.users !== undefined) changes.userAccounts = splitAccountList(options.users);
  if (options.admins !== undefined) changes.adminAccounts = splitAccountList(options.admins);
  if (options.ticketTimeout !== undefined) changes.ticketTimeoutMinutes = ticketMinutes(options.ticketTimeout);
  return changes;
}

function ticketMinutes(text: string): number | null {
  if (text.trim().toLowerCase() === 'default') return null;
  if (!/^\s*\d+\s*$/.test(text)) throw fail('INVALID_ARGUMENT', `--ticket-timeout takes whole minutes (1 to 525600) or "default", not "${text}"`);
  return Number(text);
}

const xmlFileHelp = 'ENTSSO applications XML file (<sso><application name="...">...); "-" reads standard input';

/** Registers `tessera app ...`. */
export function addAppCommands(program: Command, globals: () => GlobalOptions): void {
  const app = program
    .command('app')
    .description('affiliate applications: create from ENTSSO XML, list, show, update, enable, disable, delete, export, purge-cache');
  app
    .command('create')
    .description('create the applications an ENTSSO XML file defines (disabled, then enabled where the file says enableApp="yes")')
    .requiredOption('--file <xml>', xmlFileHelp)
    .option('--json', 'print the created applications as JSON')
    .action((options: { file: string; json?: boolean }) => runVaultCommand(globals(), (context) => appActions.createFromFile(context, options.file, options)));
  app
    .command('list')
    .description('list the applications you may see, (E) enabled or (D) disabled')
    .option('--all', 'include config store applications (as ssomanage -listapps all)')
    .option('--json', 'print the applications as JSON')
    .action((options: { all?: boolean; json?: boolean }) => runVaultCommand(globals(), (context) => appActions.list(context, options)));
  app
    .command('show')
    .argument('<name>', 'application name (any case)')
    .description('show one application: type, accounts, fields, flags, ticket lifetime')
    .option('--json', 'print the application as JSON')
    .action((name: string, options: JsonOption) => runVaultCommand(globals(), (context) => appActions.show(context, name, options)));
  app
    .command('update')
    .argument('[name]', 'application to change (omit with --file)')
    .description('change an application: description, contact, accounts, ticket lifetime; or every application of an XML file')
    .option(
      '--file <xml>',
      `bring each application of this file to its definition (as ssomanage -updateapps); ${xmlFileHelp.slice(xmlFileHelp.indexOf('"-"'))}`,
    )
    .option('--description <text>', 'new description')
    .option('--contact <text>', 'new contact, e.g. an e-mail address')
    .option('--users <accounts>', 'application users accounts, separated by ";" or "," (replaces the list)')
    .option('--admins <accounts>', 'application administrators accounts, separated by ";" or "," (replaces the list; affiliate administrators only)')
    .option('--ticket-timeout <minutes>', 'ticket lifetime for this application, 1 to 525600 minutes, or "default" for the system\'s (SSO administrators only)')
    .option('--json', 'print the updated application(s) as JSON')
    .action((name: string | undefined, options: UpdateOptions) =>
      runVaultCommand(globals(), async (context) => {
        const changes = changesFromOptions(options);
        if (options.file !== undefined) {
          if (name !== undefined || Object.keys(changes).length > 0)
            throw fail('INVALID_ARGUMENT', 'give either --file XML or NAME with the options to change, not both');
          return appActions.updateFromFile(context, options.file, options);
        }
        if (name === undefined) throw fail('INVALID_ARGUMENT', 'name the application to update (or give --file XML)');
        if (Object.keys(changes).length === 0) {
          throw fail('INVALID_ARGUMENT', 'nothing to change: give --description, --contact, --users, --admins or --ticket-timeout');
        }
        return appActions.update(context, name, changes, options);
      }),
    );
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app
      .command(verb)
      .argument('<name>', 'application name')
      .description(
        enabled ? 'enable an application: lookups and tickets work again' : 'disable an application: lookups fail with APP_DISABLED until it is enabled',
      )
      .option('--json', 'print the application as JSON')
      .action((name: string, options: JsonOption) => runVaultCommand(globals(), (context) => appActions.setEnabled(context, name, enabled, options)));
  }
  app
    .command('delete')
    .argument('<name>', 'application name')
    .description('delete an application with its mappings, credentials and config entries (affiliate administrators)')
    .option('--json', 'print {"deleted": NAME}')
    .action((name: string, options: JsonOption) => runVaultCommand(globals(), (context) => appActions.delete(context, name, options)));
  app
    .command('purge-cache')
    .description('purge cached credentials: every Tessera process reads them from the vault again (ssomanage -purgecache)')
    .argument('<name>', 'application name (application administrators)')
    .option('--json', 'print {"application": NAME, "purged": true}')
    .action((name: string, options: JsonOption) => runVaultCommand(globals(), (context) => appActions.purgeCache(context, name, options)));
  app
    .command('export')
    .argument('[names...]', 'applications to export (default: every one you may see, config store applications included)')
    .description('write applications as an ENTSSO XML file that app create reads back to the same definitions')
    .requiredOption('--file <xml>', 'file to write ("-" for standard output)')
    .option('--force', 'replace an existing file')
    .option('--json', 'print {"file", "applications"} as JSON')
    .action((names: string[], options: JsonOption & { file: string; force?: boolean }) =>
      runVaultCommand(globals(), (context) => appActions.exportTo(context, names, options.file, options)),
    );
}
