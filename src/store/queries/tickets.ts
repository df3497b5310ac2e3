/** Redeemed ticket ids: the primary key makes each ticket single use. */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';

/**
 * Rows are purged only this long after their ticket expired, so a node whose clock runs
 * ahead cannot forget a ticket that a node running behind would still accept.
 */
const PURGE_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Records `ticketId` as redeemed at `now`, the caller's clock (the one injected clock: the store
 * never reads a clock of its own, or a test clock and the wall clock would disagree on expiry).
 */
export async function redeemTicket(db: Kysely<Database>, ticketId: string, expiresAt: string, now: Date): Promise<boolean> {
  const expires = new Date(expiresAt);
  if (Number.isNaN(expires.getTime())) throw fail('INVALID_QUERY', `a ticket expiry must be an ISO 8601 time, not ${expiresAt}`);
  if (Number.isNaN(now.getTime())) throw fail('INVALID_QUERY', 'the redemption time is not a valid time');
  const purgeBefore = new Date(now.getTime() - PURGE_GRACE_MS).toISOString();
  // Its record may already be purged, so "not redeemed yet" cannot be known: refuse it.
  if (expires.toISOString() < purgeBefore) return false;
  // ON CONFLICT DO NOTHING: of N concurrent redeemers (in any process) exactly one inserts.
  const row = await db
    .insertInto('redeemed_tickets')
    .values({ ticket_id: ticketId, expires_at: expires.toISOString(), redeemed_at: now.toISOString() })
    .onConflict((conflict) => conflict.column('ticket_id').doNothing())
    .returning('ticket_id')
    .executeTakeFirst();
  // Both sides are Date#toISOString text, which orders as time on both backends.
  await db.deleteFrom('redeemed_tickets').where('expires_at', '<', purgeBefore).execute();
  return row !== undefined;
}
