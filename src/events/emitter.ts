import type { Logger } from 'pino';
import type { NewEvent, StoredEvent } from '../store/types.js';
import { catalog } from './catalog.js';
import type { CatalogEntry, EventId, EventParams, Severity } from './types.js';

/** Where events are kept; `Store` satisfies it. */
export interface EventSink {
  appendEvent(event: NewEvent): Promise<StoredEvent>;
}

/** The logger methods the emitter uses; a pino `Logger` satisfies it. */
export type EventLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface EventEmitterDeps {
  sink: EventSink;
  logger: EventLogger;
  /** The process's one clock (the same the service reads), so an event's time agrees with its rules. */
  now: () => Date;
}

export interface EventEmitter {
  /**
   * Stores event `id` in the sink, then logs it at its severity's level. The message is `message`
   * when given (and not empty), else the catalog summary. If the sink fails, the event is still
   * logged, and the sink's error is rethrown.
   */
  emit<Id extends EventId>(id: Id, params: EventParams<Id>, message?: string): Promise<StoredEvent>;
}

const LOG_LEVEL = { info: 'info', warning: 'warn', error: 'error' } as const satisfies Record<Severity, keyof EventLogger>;

/** True when `n` is the id of an event in the catalog. */
export function isEventId(n: number): n is EventId {
  return Number.isInteger(n) && Object.hasOwn(catalog, n);
}

/** The catalog entry of event `id`: symbol, severity, parameter names, summary, action. */
export function describeEvent<Id extends EventId>(id: Id): CatalogEntry<Id> {
  return catalog[id];
}

export function createEventEmitter(deps: EventEmitterDeps): EventEmitter {
  const { sink, logger } = deps;
  const { now } = deps;

  async function emit<Id extends EventId>(id: Id, params: EventParams<Id>, message?: string): Promise<StoredEvent> {
    // The compiler already holds callers to the catalog; these checks catch casts and plain JS.
    if (!isEventId(id)) throw new TypeError(`emit: ${String(id)} is not an event id in the catalog`);
    const entry: CatalogEntry = catalog[id];
    const stored = orderedParams(entry, params);

    const event: NewEvent = {
      id: entry.id,
      // ENTSSO documents no symbol for a few events; those are stored with an empty one.
      symbol: entry.symbol ?? '',
      severity: entry.severity,
      time: now().toISOString(),
      params: stored,
      message: eventMessage(entry, message),
    };
    const fields = { event: event.id, symbol: event.symbol, params: event.params };
    const level = LOG_LEVEL[event.severity];

    let result: StoredEvent;
    try {
      result = await sink.appendEvent(event);
    } catch (err) {
      // Never lose an event silently: it still reaches the log, then the caller sees the failure.
      logger[level]({ ...fields, err }, event.message);
      logger.error({ err, eventId: event.id }, `event ${event.id} could not be stored`);
      throw err;
    }
    logger[level](fields, event.message);
    return result;
  }

  return { emit };
}

/** The event's parameters keyed by the catalog's names, in the catalog's (%1, %2, ...) order. */
function orderedParams(entry: CatalogEntry, given: Readonly<Record<string, unknown>> | null | undefined): Record<string, string> {
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(`emit ${entry.id}: params must be an object`);
  }
  const names: readonly string[] = entry.params;
  const missing = names.filter((name) => typeof given[name] !== 'string');
  const unknown = Object.keys(given).filter((key) => !names.includes(key));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      missing.length > 0 ? `missing or non-string: ${missing.join(', ')}` : '',
      unknown.length > 0 ? `not parameters of this event: ${unknown.join(', ')}` : '',
    ];
    throw new TypeError(`emit ${entry.id}: ${problems.filter(Boolean).join('; ')}`);
  }
  const out: Record<string, string> = {};
  for (const name of names) out[name] = given[name] as string;
  return out;
}

/**
 * The message stored and logged for an event: `message` when given and not empty, else the
 * entry's summary, else its symbol, else a plain "ENTSSO event <id>".
 */
export function eventMessage(entry: { readonly id: number; readonly symbol: string | null; readonly summary: string }, message: string | undefined): string {
  if (message !== undefined && message !== '') return message;
  if (entry.summary !== '') return entry.summary;
  return entry.symbol ?? `ENTSSO event ${entry.id}`;
}
