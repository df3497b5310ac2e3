import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import type { CliContext } from './context.js';
import { readPasswordFile } from './password.js';
import { ask, canPrompt } from './prompt.js';
import { renderCredentials, shown, shownCredentials } from './render.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';
import type { Credentials } from './vault-types.js';

export interface ShowOptions {
  showSecrets?: boolean;
  json?: boolean;
}

interface LookupOptions extends ShowOptions {
  account?: string;
  external?: string;
  passwordFile?: string;
}

/** Prints looked-up or redeemed credentials; masked values (`********`) only with --show-secrets. */
export async function printCredentials(context: CliContext, credentials: Credentials, options: ShowOptions): Promise<void> {
  // The field masks come from the definition; if it cannot be read, every value counts as masked.
  const app = await context.vault.applications.get(credentials.application, context.principal).catch(() => undefined);
  const shown = shownCredentials(credentials, app, options.showSecrets ?? false);
  if (options.json) return printJson(shown);
  process.stdout.write(renderCredentials(shown));
}

export const lookupActions = {
  /** ENTSSO's GetCredentials: the caller's own credentials, or (administrators) ACCOUNT's. */
  async credentials(context: CliContext, app: string, options: LookupOptions): Promise<void> {
    const found = await context.vault.lookup.getCredentials(app, context.principal, options.account === undefined ? {} : { account: options.account });
    await printCredentials(context, found, options);
  },

  /** Host-initiated SSO (LogonExternalUser): which enterprise account an external user stands for. */
  async external(context: CliContext, appName: string, externalUser: string, options: LookupOptions): Promise<void> {
    const password = await hostPassword(context, appName, externalUser, options);
    const result = await context.vault.lookup.hostLookup(appName, externalUser, context.principal, password);
    if (options.json) return printJson(result);
    process.stdout.write(shown`External user ${result.externalUser} of ${appName} logs on as ${result.account}.\n`);
  },
};

/** The external user's password, when the application validates it: from --password-file, or asked without echo. */
async function hostPassword(context: CliContext, appName: string, externalUser: string, options: LookupOptions): Promise<string | undefined> {
  if (options.passwordFile !== undefined) return readPasswordFile(options.passwordFile, context.config.osUser);
  // A caller who may not read the definition gets the service's own (audited) answer from the lookup.
  const app = await context.vault.applications.get(appName, context.principal).catch(() => undefined);
  if (!app?.flags.validatePassword) return undefined;
  if (!canPrompt()) {
    throw fail('PASSWORD_REQUIRED', `${app.name} validates the password of its external users: give it with --password-file FILE (or - for standard input)`);
  }
  return ask(`Password of ${externalUser}: `, {
    hidden: true,
    cancelled: () => fail('PASSWORD_REQUIRED', 'cancelled at the password prompt: nothing was looked up'),
  });
}

/** Registers `tessera lookup`. */
export function addLookupCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('lookup')
    .argument('<app>', 'affiliate application')
    .description("look up credentials: your own (or, for administrators, --account's); or, with --external, the enterprise account of an external user")
    .option('--account <account>', "another enterprise account's credentials (application administrators)")
    .option('--show-secrets', 'print masked fields (otherwise ********, and left out of --json)')
    .option('--external <user>', 'host-initiated lookup: which enterprise account this external user stands for (application administrators)')
    .option('--password-file <file>', 'with --external: the external user\'s password, from FILE ("-" for standard input), when the application validates it')
    .option('--json', 'print JSON: application, account, externalUser, fields [{label, masked, value}]')
    .action((app: string, options: LookupOptions) =>
      runVaultCommand(globals(), (context) => {
        if (options.external !== undefined) {
          if (options.account !== undefined) throw fail('INVALID_ARGUMENT', 'give --account or --external, not both');
          return lookupActions.external(context, app, options.external, options);
        }
        if (options.passwordFile !== undefined) throw fail('INVALID_ARGUMENT', '--password-file goes with --external USER');
        return lookupActions.credentials(context, app, options);
      }),
    );
}
