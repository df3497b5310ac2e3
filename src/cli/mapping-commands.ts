import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import { mappingsToXml, parseMappingsXml } from '../vault/xml/index.js';
import { inItem } from './app-commands.js';
import type { CliContext } from './context.js';
import { marker, printNote, renderMappings, shown } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';
import type { Mapping } from './vault-types.js';
import { readXmlFile, writeXmlFile } from './xml-files.js';

interface JsonOption {
  json?: boolean;
}

export interface MappingFilter {
  application?: string | undefined;
  account?: string | undefined;
}

const say = (text: string) => process.stdout.write(`${text}\n`);
const created = (account: string, externalUser: string, app: string) =>
  shown`Created mapping ${account} -> ${externalUser} for ${app}, (D) disabled until its credentials are set.`;
/**
 * A mapping as --json prints it, the same from the local vault and from a server: the fields
 * the API shows, in its order (the application's internal id is not one of them).
 */
const shownMapping = (mapping: Omit<Mapping, 'application'>, application: string) => ({
  id: mapping.id,
  application,
  account: mapping.account,
  externalUser: mapping.externalUser,
  enabled: mapping.enabled,
  hasCredentials: mapping.hasCredentials,
  createdAt: mapping.createdAt,
  updatedAt: mapping.updatedAt,
});
const describe = (mapping: Mapping) => shown`${mapping.account} -> ${mapping.externalUser} for ${mapping.application}`;

/** The actions behind `tessera mapping ...`, `ssomanage` and `ssoclient`: one implementation for all. */
export const mappingActions = {
  async create(context: CliContext, app: string, account: string, externalUser: string, options: JsonOption): Promise<void> {
    const mapping = await context.vault.mappings.create(app, account, externalUser, context.principal);
    if (options.json) return printJson(shownMapping(mapping, app));
    say(created(account, externalUser, app));
  },

  /** Creates every mapping of an ENTSSO mappings file, in order. */
  async createFromFile(context: CliContext, file: string, options: JsonOption): Promise<void> {
    const { text, source } = await readXmlFile(context, file);
    const done: string[] = [];
    const records: unknown[] = [];
    for (const definition of parseMappingsXml(text, source, printNote)) {
      const what = `the mapping of ${definition.account} to ${definition.application}`;
      await inItem(what, done, async () => {
        records.push(
          shownMapping(
            await context.vault.mappings.create(definition.application, definition.account, definition.externalUser, context.principal),
            definition.application,
          ),
        );
        done.push(what);
        if (!options.json) say(created(definition.account, definition.externalUser, definition.application));
      });
    }
    if (options.json) return printJson(records);
    if (done.length === 0) say(shown`${source} defines no mappings: nothing was created.`);
  },

  /** ENTSSO's -deletemappings: deletes the mappings a mappings file names (its external user ids are not compared). */
  async deleteFromFile(context: CliContext, file: string, options: JsonOption): Promise<void> {
    const { text, source } = await readXmlFile(context, file);
    const deleted: string[] = [];
    for (const definition of parseMappingsXml(text, source, printNote)) {
      const what = `the mapping of ${definition.account} to ${definition.application}`;
      await inItem(what, deleted, async () => {
        await context.vault.mappings.delete(definition.application, definition.account, context.principal);
        deleted.push(what);
        if (!options.json) say(shown`Deleted ${what}.`);
      });
    }
    if (options.json) return printJson({ deleted: deleted.length });
    if (deleted.length === 0) say(shown`${source} names no mappings: nothing was deleted.`);
  },

  async list(context: CliContext, filter: MappingFilter, options: JsonOption): Promise<void> {
    const mappings = await context.vault.mappings.list(filter, context.principal);
    if (options.json) return printJson(mappings.map((mapping) => shownMapping(mapping, mapping.application)));
    process.stdout.write(renderMappings(mappings));
  },

  async setEnabled(context: CliContext, app: string, account: string, enabled: boolean, options: JsonOption): Promise<void> {
    const mapping = await context.vault.mappings.setEnabled(app, account, enabled, context.principal);
    if (options.json) return printJson(shownMapping(mapping, app));
    say(shown`${marker(mapping.enabled)} mapping ${describe({ ...mapping, application: app })} is ${mapping.enabled ? 'enabled' : 'disabled'}.`);
  },

  async delete(context: CliContext, app: string, account: string, options: JsonOption): Promise<void> {
    await context.vault.mappings.delete(app, account, context.principal);
    if (options.json) return printJson({ deleted: { application: app, account } });
    say(shown`Deleted the mapping of ${account} for ${app} with its credentials.`);
  },

  async exportTo(context: CliContext, filter: MappingFilter, file: string, options: JsonOption & { force?: boolean }): Promise<void> {
    const mappings = await context.vault.mappings.list(filter, context.principal);
    const xml = mappingsToXml(mappings.map(({ account, application, externalUser }) => ({ account, application, externalUser })));
    await writeXmlFile(context, file, xml, options.force);
    if (options.json) return printJson({ file, mappings: mappings.length });
    if (file !== '-') say(shown`Exported ${mappings.length} mapping(s) to ${file}.`);
  },
};

/** Registers `tessera mapping ...`. */
export function addMappingCommands(program: Command, globals: () => GlobalOptions): void {
  const mapping = program.command('mapping').description('mappings of enterprise accounts to external accounts: create, list, enable, disable, delete, export');
  mapping
    .command('create')
    .argument('[app]', 'affiliate application')
    .argument('[account]', 'enterprise account, DOMAIN\\user (for a group application: one of its application users groups)')
    .argument('[external-user]', 'the user id in the external system')
    .description('create one mapping (disabled until its credentials are set), or every mapping of an ENTSSO XML file')
    .option('--file <xml>', 'ENTSSO mappings XML file (<sso><mapping>...); "-" reads standard input')
    .option('--json', 'print the created mapping(s) as JSON')
    .action((app: string | undefined, account: string | undefined, externalUser: string | undefined, options: JsonOption & { file?: string }) =>
      runVaultCommand(globals(), (context) => {
        const given = [app, account, externalUser].filter((arg) => arg !== undefined).length;
        if (options.file !== undefined) {
          if (given > 0) throw fail('INVALID_ARGUMENT', 'give either --file XML or APP ACCOUNT EXTERNAL_USER, not both');
          return mappingActions.createFromFile(context, options.file, options);
        }
        if (given < 3) throw fail('INVALID_ARGUMENT', 'give APP ACCOUNT EXTERNAL_USER (or --file XML)');
        return mappingActions.create(context, app!, account!, externalUser!, options);
      }),
    );
  mapping
    .command('list')
    .description('list mappings, (E) enabled or (D) disabled; application users see only their own')
    .option('--app <app>', 'only this application')
    .option('--account <account>', 'only this enterprise account')
    .option('--json', 'print the mappings as JSON')
    .action((options: JsonOption & { app?: string; account?: string }) =>
      runVaultCommand(globals(), (context) => mappingActions.list(context, { application: options.app, account: options.account }, options)),
    );
  const verbs = [
    ['enable', 'enable a mapping (it needs credentials)'],
    ['disable', 'disable a mapping: lookups fail with MAPPING_DISABLED until it is enabled'],
    ['delete', 'delete a mapping with its credentials'],
  ] as const;
  for (const [verb, description] of verbs) {
    mapping
      .command(verb)
      .argument('<app>', 'affiliate application')
      .argument('<account>', 'enterprise account, DOMAIN\\user')
      .description(description)
      .option('--json', 'print the result as JSON')
      .action((app: string, account: string, options: JsonOption) =>
        runVaultCommand(globals(), (context) =>
          verb === 'delete'
            ? mappingActions.delete(context, app, account, options)
            : mappingActions.setEnabled(context, app, account, verb === 'enable', options),
        ),
      );
  }
  mapping
    .command('export')
    .description('write mappings as an ENTSSO mappings XML file (mapping create --file reads it back)')
    .requiredOption('--file <xml>', 'file to write ("-" for standard output)')
    .option('--app <app>', 'only this application')
    .option('--account <account>', 'only this enterprise account')
    .option('--force', 'replace an existing file')
    .option('--json', 'print {"file", "mappings"} as JSON')
    .action((options: JsonOption & { file: string; force?: boolean; app?: string; account?: string }) =>
      runVaultCommand(globals(), (context) => mappingActions.exportTo(context, { application: options.app, account: options.account }, options.file, options)),
    );
}
