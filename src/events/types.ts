import type { catalog } from './catalog.js';

/** The whole catalog's type: one entry per ENTSSO event id. */
export type Catalog = typeof catalog;

/** Every event id in the catalog, as a union of numeric literals (10500 | 10501 | ...). */
export type EventId = keyof Catalog;

/** One catalog entry, with its parameter names as literal types. */
export type CatalogEntry<Id extends EventId = EventId> = Catalog[Id];

/** How serious an event is; the logger level follows it (warning logs as pino `warn`). */
export type Severity = Catalog[EventId]['severity'];

/** The parameter names of event `Id`, in ENTSSO's order (%1, %2, ...). `never` if it has none. */
export type EventParamName<Id extends EventId> = Catalog[Id]['params'][number];

/**
 * The parameters `emit(id, params)` takes: exactly the catalog's names for `Id` as keys, each a
 * string. An event without parameters takes `{}` and nothing else.
 */
export type EventParams<Id extends EventId> = [EventParamName<Id>] extends [never] ? Record<string, never> : { [Name in EventParamName<Id>]: string };
