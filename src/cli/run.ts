import { CommanderError } from 'commander';
import { loadConfig } from '../config/index.js';
import { isTesseraError } from '../errors/index.js';
import { type CliContext, openContext } from './context.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** The global options every command sees. */
export interface GlobalOptions {
  home?: string;
}

/** Opens the context for one command, runs it, closes it, and turns failures into exit codes. */
export async function runCommand(globals: GlobalOptions, action: (context: CliContext) => Promise<void>): Promise<void> {
  let context: CliContext | undefined;
  try {
    context = await openContext(loadConfig({ home: globals.home }, process.env));
    await action(context);
  } catch (error) {
    process.exitCode = reportFailure(error, context);
  } finally {
    await context?.close();
  }
}

/** Prints a failure the way every front end words it, and returns the exit code. */
export function reportFailure(error: unknown, context?: CliContext): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (isTesseraError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    return error.code === 'INVALID_ARGUMENT' ? EXIT.usage : EXIT.failed;
  }
  // Unexpected: the details go to the log, never a stack trace with internals to the terminal.
  context?.logger.error({ err: error }, 'unexpected failure');
  const where = context?.config.logFile ? ` (details in ${context.config.logFile})` : '';
  process.stderr.write(`error INTERNAL: an unexpected failure stopped the command${where}: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT.internal;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
