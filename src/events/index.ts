/**
 * Tessera's events: the ENTSSO-compatible catalog and a typed emitter that stores and logs them.
 * `events/` depends on nothing outside itself except the store's event types.
 */
export { catalog } from './catalog.js';
export { createEventEmitter, describeEvent, isEventId } from './emitter.js';
export type { EventEmitter, EventEmitterDeps, EventLogger, EventSink } from './emitter.js';
export type { Catalog, CatalogEntry, EventId, EventParamName, EventParams, Severity } from './types.js';
