import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import type { CliContext } from './context.js';
import { readText } from './input.js';
import { printCredentials, type ShowOptions } from './lookup-command.js';
import { type GlobalOptions, printJson, runVaultCommand } from './run.js';

interface RedeemOptions extends ShowOptions {
  ticketFile?: string;
  stdin?: boolean;
  sender?: string;
}

export const ticketActions = {
  /** Issues a ticket for the caller: the ticket alone on standard output, its expiry on standard error. */
  async issue(context: CliContext, options: { app?: string; json?: boolean }): Promise<void> {
    const issued = await context.vault.tickets.issue(context.principal, options.app);
    if (options.json) return printJson(issued);
    process.stdout.write(`${issued.ticket}\n`);
    process.stderr.write(`Ticket for ${context.principal.name}, single use, expires ${issued.expiresAt}.\n`);
  },

  /** Redeems a ticket (read from a file or standard input: it is a bearer credential) for its owner's credentials. */
  async redeem(context: CliContext, app: string, options: RedeemOptions): Promise<void> {
    if ((options.ticketFile === undefined) === !options.stdin)
      throw fail('INVALID_ARGUMENT', 'give the ticket with --ticket-file FILE or --stdin (one of them)');
    const ticket = (await readText(options.stdin ? '-' : options.ticketFile!, context.config.osUser)).trim();
    const credentials = await context.vault.tickets.redeem(app, ticket, context.principal, options.sender === undefined ? {} : { sender: options.sender });
    await printCredentials(context, credentials, options);
  },
};

/** Registers `tessera ticket ...`. */
export function addTicketCommands(program: Command, globals: () => GlobalOptions): void {
  const ticket = program.command('ticket').description('single-use tickets: a caller gets one for itself, an application administrator redeems it');
  ticket
    .command('issue')
    .description('issue a ticket for yourself (tickets must be allowed: ssomanage -tickets yes no)')
    .option('--app <app>', 'for this application: it must allow tickets, and its ticket lifetime applies')
    .option('--json', 'print {"ticket", "expiresAt"} as JSON')
    .action((options: { app?: string; json?: boolean }) => runVaultCommand(globals(), (context) => ticketActions.issue(context, options)));
  ticket
    .command('redeem')
    .argument('<app>', 'affiliate application whose credentials the ticket owner gets')
    .description("redeem a ticket for its owner's credentials (application administrators); the ticket is never taken from the command line")
    .option('--ticket-file <file>', 'read the ticket from FILE')
    .option('--stdin', 'read the ticket from standard input')
    .option('--sender <account>', 'validate and redeem: the ticket must have been issued to this account (the message sender)')
    .option('--show-secrets', 'print masked fields (otherwise ********, and left out of --json)')
    .option('--json', 'print JSON: application, account, externalUser, fields [{label, masked, value}]')
    .action((app: string, options: RedeemOptions) => runVaultCommand(globals(), (context) => ticketActions.redeem(context, app, options)));
}
