import type { Command } from 'commander';
import { fail } from '../errors/index.js';
import { shown } from './render.js';
import { type GlobalOptions, printJson, runCommand } from './run.js';

interface EventsOptions {
  json?: boolean;
  id?: string;
  since?: string;
  limit?: string;
}

export function addEventsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('events')
    .description('list the events this vault emitted, newest last')
    .option('--json', 'print a JSON array: id, symbol, severity, time, params, message')
    .option('--id <n>', 'only this event id, e.g. 10560')
    .option('--since <time>', 'only events at or after this ISO 8601 time, e.g. 2026-11-25 or 2026-11-25T10:00:00Z')
    .option('--limit <n>', 'only the newest N')
    .action((options: EventsOptions) =>
      runCommand(globals(), async (context) => {
        const events = await context.secrets.events(
          {
            ...(options.id !== undefined ? { id: positiveInteger('--id', options.id) } : {}),
            ...(options.since !== undefined ? { since: isoTime(options.since) } : {}),
            ...(options.limit !== undefined ? { limit: positiveInteger('--limit', options.limit) } : {}),
          },
          context.principal,
        );
        if (options.json) {
          return printJson(events.map(({ id, symbol, severity, time, params, message }) => ({ id, symbol, severity, time, params, message })));
        }
        for (const event of events) {
          // Every field escaped: a stored message with a line break or an escape sequence cannot forge a line.
          process.stdout.write(shown`${event.time}  ${event.id}  ${event.severity.padEnd(7)}  ${event.symbol}\n    ${event.message}\n`);
        }
      }),
    );
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw fail('INVALID_ARGUMENT', `${flag} takes a positive whole number, not "${text}"`);
  return value;
}

function isoTime(text: string): string {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw fail('INVALID_ARGUMENT', `--since takes an ISO 8601 time such as 2026-11-25T10:00:00Z, not "${text}"`);
  return new Date(time).toISOString();
}
