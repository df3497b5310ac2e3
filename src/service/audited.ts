import { randomUUID } from 'node:crypto';
import { isTesseraError } from '../errors/index.js';
import { emitCataloguedEvent } from './catalogued-event.js';
import { clientComputer, clientUser } from './principal.js';
import type { EventSink, Principal } from './deps.js';

export interface AuditedOperation {
  /** The API function's name, e.g. CreateApplication. */
  function: string;
  principal: Principal;
  /** The application it is about; empty for the SSO system as a whole. */
  application: string;
  /** Whether success is recorded too (10535), not just failure. */
  change: boolean;
  /** What the messages name instead of the application, e.g. "API token 0123…". */
  subject?: string;
}

/**
 * Runs one operation and emits its events: on failure the catalogued event of the error
 * (e.g. 10757, 10764, 10765) or else 10536; on success, for changes, 10535 (ENTSSO's audit).
 * Every service operation goes through here, so the audit trail has one shape.
 */
export async function audited<T>(
  deps: { events: EventSink; computerName: string },
  operation: AuditedOperation,
  run: (trackingId: string) => Promise<T>,
): Promise<T> {
  const trackingId = randomUUID();
  // Built only when an event is emitted: a successful lookup, the hot path, emits none.
  const common = () => ({
    Function: operation.function,
    'Tracking ID': trackingId,
    'Client Computer': clientComputer(operation.principal, deps.computerName),
    'Client User': operation.principal.name,
    'Application Name': operation.application,
  });
  const subject = () => operation.subject ?? (operation.application || 'the SSO system');
  try {
    const result = await run(trackingId);
    if (operation.change) await deps.events.emit(10535, common(), `${operation.function} on ${subject()} by ${clientUser(operation.principal)} succeeded.`);
    return result;
  } catch (error) {
    const code = isTesseraError(error) ? error.code : 'INTERNAL';
    const message = `${operation.function} on ${subject()} by ${clientUser(operation.principal)} failed: ${error instanceof Error ? error.message : String(error)}`;
    const emitted = await emitCataloguedEvent(deps.events, isTesseraError(error) ? error.eventId : undefined, message);
    if (!emitted) await deps.events.emit(10536, { ...common(), 'Error Code': code }, message);
    throw error;
  }
}
