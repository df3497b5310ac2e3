import type { EventQuery, StoredEvent } from '../store/index.js';
import { requireSsoAdmin } from './authorize.js';
import type { Principal, SecretServiceDeps } from './deps.js';

/** The most events one read returns: the log grows without bound, a response must not. */
export const EVENTS_MAX_PAGE = 10_000;

/** The vault's event log, oldest first: everyone's audit trail, so SSO administrators only. */
export async function listEvents(deps: Pick<SecretServiceDeps, 'store'>, query: EventQuery, principal: Principal): Promise<StoredEvent[]> {
  await requireSsoAdmin(deps.store, principal, 'read the event log');
  return deps.store.listEvents({ ...query, limit: Math.min(query.limit ?? EVENTS_MAX_PAGE, EVENTS_MAX_PAGE) });
}
