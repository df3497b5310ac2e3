import { CommanderError } from 'commander';
import { type ConfigFlags, loadConfig, type TesseraConfig } from '../config/index.js';
import { fail, isTesseraError } from '../errors/index.js';
import { chooseServer } from './client-settings.js';
import type { CliContext, LocalContext } from './context.js';
import type { ActAs } from './principal.js';
import { escapeControl, terminalJson } from './render.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** The global options every command sees. */
export interface GlobalOptions extends ActAs {
  home?: string | undefined;
  /** A Tessera server to send the operations to (URL or host name); see client-settings.ts. */
  server?: string | undefined;
  /** The file holding the token for that server (never the token itself: argv is public). */
  tokenFile?: string | undefined;
}

export interface RunOptions {
  /**
   * Whether the command honours --as: the vault commands do, since the service decides what
   * each principal may do there; the master secret commands (which have no roles yet) do not.
   */
  actAs?: boolean;
  /** Settings the command's own flags give (e.g. serve's --listen), over the environment and the file. */
  flags?: Omit<ConfigFlags, 'home'>;
}

/**
 * Opens the context for one command (this machine's vault, or the Tessera server chosen by
 * --server, TESSERA_ADDR or the setting files), runs it, closes it, and turns failures into
 * exit codes.
 */
export async function runCommand(globals: GlobalOptions, action: (context: CliContext) => Promise<void>, options: RunOptions = {}): Promise<void> {
  await withContext(
    globals,
    options,
    async (config) => {
      const server = chooseServer(globals.server, config, process.env);
      if (server === undefined) return openLocal(globals, options, config);
      if (globals.as !== undefined || globals.groups !== undefined) {
        throw fail(
          'INVALID_ARGUMENT',
          `--as and --groups test rights against this machine's vault; the Tessera server at ${server.url} (from ${server.source}) decides who you are from your token: drop --as, or use a token of that account`,
        );
      }
      const { openRemoteContext } = await import('./context.js');
      return openRemoteContext(config, server, { tokenFile: globals.tokenFile });
    },
    action,
  );
}

/** Runs a command that exists only on this machine's vault (init, serve): --server is refused, the setting files ignored. */
export async function runLocalCommand(
  globals: GlobalOptions,
  what: string,
  action: (context: LocalContext) => Promise<void>,
  options: Pick<RunOptions, 'flags'> = {},
): Promise<void> {
  await withContext(
    globals,
    options,
    async (config) => {
      if (globals.server !== undefined || globals.tokenFile !== undefined) {
        throw fail('INVALID_ARGUMENT', `${what} acts on this machine's vault: it takes no --server or --token-file (run it on the server itself)`);
      }
      return openLocal(globals, {}, config);
    },
    action,
  );
}

async function withContext<C extends CliContext>(
  globals: GlobalOptions,
  options: RunOptions,
  open: (config: TesseraConfig) => Promise<C>,
  action: (context: C) => Promise<void>,
): Promise<void> {
  let context: C | undefined;
  try {
    if (!options.actAs && (globals.as !== undefined || globals.groups !== undefined)) {
      throw fail(
        'INVALID_ARGUMENT',
        '--as and --groups apply to the vault commands (app, mapping, credentials, lookup, ticket, config, global); this command always acts as the local administrator',
      );
    }
    context = await open(loadConfig({ ...options.flags, home: globals.home }, process.env));
    await action(context);
  } catch (error) {
    process.exitCode = reportFailure(error, context);
  } finally {
    await context?.close();
  }
}

async function openLocal(globals: GlobalOptions, options: RunOptions, config: TesseraConfig): Promise<LocalContext> {
  const actAs = options.actAs ? { as: globals.as, groups: globals.groups } : {};
  // Loaded on first use: --help and usage errors need neither the store nor the keys.
  const { openContext } = await import('./context.js');
  return openContext(config, actAs);
}

/** Prints a failure the way every front end words it, and returns the exit code. */
export function reportFailure(error: unknown, context?: CliContext): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isTesseraError(error)) {
    // Messages quote names and file contents: escaped, so none can act on the terminal. Line
    // breaks stay, as usage texts need them; names cannot hold one (text-rules.ts).
    process.stderr.write(`error ${error.code}: ${error.message.split('\n').map(escapeControl).join('\n')}\n`);
    return error.code === 'INVALID_ARGUMENT' ? EXIT.usage : EXIT.failed;
  }
  // Unexpected: the details go to the log, never a stack trace with internals to the terminal.
  context?.logger.error({ err: error }, 'unexpected failure');
  const where = context?.config.logFile ? ` (details in ${context.config.logFile})` : '';
  process.stderr.write(`error INTERNAL: an unexpected failure stopped the command${where}: ${escapeControl((error as Error)?.message ?? String(error))}\n`);
  return EXIT.internal;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${terminalJson(value)}\n`);
}

/** Runs a vault command: like runCommand, acting as the --as principal when one is given. */
export function runVaultCommand(globals: GlobalOptions, action: (context: CliContext) => Promise<void>): Promise<void> {
  return runCommand(globals, action, { actAs: true });
}
