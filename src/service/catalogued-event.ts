import { describeEvent, isEventId } from '../events/index.js';
import type { EventSink } from './deps.js';

/**
 * Emits the ENTSSO event a failure maps to (10564, 10757, 10764, ...) when it is one that
 * takes no parameters, as ENTSSO's error-code events do. Returns whether it emitted.
 */
export async function emitCataloguedEvent(events: EventSink, id: number | undefined, message: string): Promise<boolean> {
  if (id === undefined || !isEventId(id) || describeEvent(id).params.length > 0) return false;
  await events.emit(id, {} as never, message);
  return true;
}
