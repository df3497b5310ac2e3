import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import type { TokenInfo } from '../service/index.js';
import type { LocalContext } from './context.js';
import { splitAccountList } from './principal.js';
import { shown, table } from './render.js';
import { type GlobalOptions, printJson, runLocalCommand } from './run.js';

interface CreateOptions {
  expires?: string;
  description?: string;
  json?: boolean;
}

const UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const LIFETIME = /^(\d{1,7})([mhd])$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const EXPIRES_FORMS = 'a lifetime in minutes, hours or days (90m, 12h, 30d) or an ISO 8601 date or time (2027-06-30, 2027-06-30T12:00:00Z)';

/**
 * `--expires`: a lifetime from now (90m, 12h, 30d) or an ISO 8601 date (midnight UTC) or time with
 * its offset. The service decides whether it is acceptable (future, at most 5 years away).
 */
export function parseExpires(text: string, now: Date): Date {
  const value = text.trim();
  const lifetime = LIFETIME.exec(value);
  if (lifetime) return new Date(now.getTime() + Number(lifetime[1]) * UNITS_MS[lifetime[2] as keyof typeof UNITS_MS]);
  const time = ISO_TIME.exec(value);
  if (time) {
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = time.slice(1, 7).map((part) => Number(part ?? '0'));
    const date = new Date(Date.UTC(year, month - 1, day));
    // Date itself rolls 2027-02-30 over to March: a day the calendar lacks is a typo, not a date.
    const calendar = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    const parsed = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (calendar && hour < 24 && minute < 60 && second < 60 && !Number.isNaN(parsed.getTime())) return parsed;
  }
  // Quoted only when short: a long argument is no date, and may be something pasted by mistake.
  const given = value.length <= 40 ? ` "${value}"` : ` an argument of ${value.length} characters`;
  throw fail('INVALID_ARGUMENT', `--expires takes ${EXPIRES_FORMS}, not${given}`);
}

export const tokenActions = {
  /** The token alone on standard output (so `tessera token create X > file` keeps it); what it is on standard error. */
  async create(context: LocalContext, account: string, groups: string | undefined, options: CreateOptions): Promise<void> {
    const created = await context.tokens.create(
      {
        account: account.trim(),
        groups: groups === undefined ? [] : splitAccountList(groups),
        ...(options.expires === undefined ? {} : { expiresAt: parseExpires(options.expires, context.now()) }),
        ...(options.description === undefined ? {} : { description: options.description }),
      },
      context.principal,
    );
    if (options.json) return printJson(created);
    process.stdout.write(`${created.token}\n`);
    const lines = [
      shown`API token ${created.id} for ${created.account}`,
      shown`  groups:      ${created.groups.length === 0 ? '(none)' : created.groups.join('; ')}`,
      `  expires:     ${created.expiresAt ?? 'never (until revoked)'}`,
    ];
    if (created.description !== null) lines.push(shown`  description: ${created.description}`);
    lines.push('This is the only time the token is shown: store it now (e.g. in a secret manager). Tessera keeps only a hash of it.');
    process.stderr.write(`${lines.join('\n')}\n`);
  },

  async revoke(context: LocalContext, id: string, options: { json?: boolean }): Promise<void> {
    const revoked = await context.tokens.revoke(id.trim(), context.principal);
    if (options.json) return printJson(revoked);
    process.stdout.write(shown`Revoked API token ${revoked.id} of ${revoked.account}: it authenticates no more.` + '\n');
  },

  async list(context: LocalContext, options: { all?: boolean; json?: boolean }): Promise<void> {
    const tokens = await context.tokens.list(context.principal, { includeRevoked: options.all === true });
    if (options.json) return printJson(tokens);
    process.stdout.write(renderTokens(tokens, options.all === true));
  },
};

export function renderTokens(tokens: readonly TokenInfo[], all: boolean): string {
  if (tokens.length === 0) return all ? 'No API tokens.\n' : 'No API tokens in use (tessera token list --all shows revoked ones too).\n';
  const rows = tokens.map((token) => [
    token.id,
    token.account,
    token.groups.length === 0 ? '-' : token.groups.join('; '),
    token.createdAt,
    token.expiresAt ?? 'never',
    token.lastUsedAt ?? '-',
    token.revokedAt === null ? '-' : `${token.revokedAt} by ${token.revokedBy ?? '?'}`,
  ]);
  return `${table([['ID', 'ACCOUNT', 'GROUPS', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'], ...rows])}\n`;
}

/** Registers `tessera token ...`. The CLI acts as the local administrator here (no --as): an SSO administrator at the console. */
export function addTokenCommands(program: Command, globals: () => GlobalOptions): void {
  const token = program.command('token').description('API tokens for the HTTP server: create, list, revoke (SSO administrators)');
  token
    .command('create')
    .argument('<account>', 'the account the token stands for (DOMAIN\\name or name@domain)')
    .description("make an API token for ACCOUNT and print it, once; its groups come from the global --groups (e.g. --groups 'CORP\\Payroll Admins')")
    .option('--expires <when>', `when it stops working: ${EXPIRES_FORMS}; at most 5 years; default never (until revoked)`)
    .option('--description <text>', 'what the token is for, shown by token list')
    .option('--json', 'print {"token", "id", "account", "groups", "description", "expiresAt", "createdAt"} as JSON')
    .action((account: string, options: CreateOptions) => {
      // --groups is a global option (commander reads it anywhere on the line): here it names the token's groups.
      const { groups, ...rest } = globals();
      return runLocalCommand(rest, 'tessera token create', (context) => tokenActions.create(context, account, groups, options));
    });
  token
    .command('revoke')
    .argument('<id>', 'the id of the token (16 hexadecimal digits, as token list shows it), never the token itself')
    .description('revoke an API token: it authenticates no more, at once on every node')
    .option('--json', 'print the revoked token as JSON')
    .action((id: string, options: { json?: boolean }) =>
      runLocalCommand(globals(), 'tessera token revoke', (context) => tokenActions.revoke(context, id, options)),
    );
  token
    .command('list')
    .description('list API tokens (never the tokens themselves): id, account, groups, created, expires, last used, revoked')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print the tokens as JSON')
    .action((options: { all?: boolean; json?: boolean }) => runLocalCommand(globals(), 'tessera token list', (context) => tokenActions.list(context, options)));
}
