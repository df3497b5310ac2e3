/** Redeemed ticket ids: the primary key makes each ticket single use. */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';

/**
 * Rows are purged only this long after their ticket expired, so a node whose clock runs
 * ahead cannot forget a ticket that a node running behind would still accept.
 */
const PURGE_GRACE_MS = 24 * 60 * 60 * 1000;

/** Redemptions recorded in one transaction at most. */
const MAX_BATCH = 256;

interface Pending {
  ticketId: string;
  expiresAt: string;
  now: Date;
  resolve(won: boolean): void;
  reject(error: unknown): void;
}

/**
 * Records tickets as redeemed. Every redemption must be durable before it is answered, and a
 * durable commit costs a disk flush; so redemptions that arrive while one commit is under way
 * wait for the next, and share it (group commit). Single use stays exact: one INSERT ... ON
 * CONFLICT DO NOTHING per batch, in any process, and within a batch the first of duplicate ids
 * wins and the others lose, as they would one after another.
 */
export class TicketRedeemer {
  #queue: Pending[] = [];
  #flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records `ticketId` as redeemed at `now`, the caller's clock (the one injected clock: the
   * store never reads a clock of its own, or a test clock and the wall clock would disagree on
   * expiry). False when it already was redeemed, or is too old for its record to be kept.
   */
  redeem(ticketId: string, expiresAt: string, now: Date): Promise<boolean> {
    const expires = new Date(expiresAt);
    if (Number.isNaN(expires.getTime())) return Promise.reject(fail('INVALID_QUERY', `a ticket expiry must be an ISO 8601 time, not ${expiresAt}`));
    if (Number.isNaN(now.getTime())) return Promise.reject(fail('INVALID_QUERY', 'the redemption time is not a valid time'));
    // Its record may already be purged, so "not redeemed yet" cannot be known: refuse it.
    if (expires.getTime() < now.getTime() - PURGE_GRACE_MS) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.#queue.push({ ticketId, expiresAt: expires.toISOString(), now, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        const won = await this.#record(batch);
        for (const item of batch) item.resolve(won.delete(item.ticketId));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.#flushing = false;
  }

  /** One transaction: the batch's ids inserted, old records purged. Returns the ids this batch inserted. */
  async #record(batch: readonly Pending[]): Promise<Set<string>> {
    const rows = new Map<string, { ticket_id: string; expires_at: string; redeemed_at: string }>();
    for (const item of batch) {
      if (!rows.has(item.ticketId)) rows.set(item.ticketId, { ticket_id: item.ticketId, expires_at: item.expiresAt, redeemed_at: item.now.toISOString() });
    }
    // By the earliest clock of the batch: a purge may come late, never early.
    const earliest = Math.min(...batch.map((item) => item.now.getTime()));
    const purgeBefore = new Date(earliest - PURGE_GRACE_MS).toISOString();
    return this.db.transaction().execute(async (trx) => {
      // ON CONFLICT DO NOTHING: of N concurrent redeemers (in any process) exactly one inserts.
      const inserted = await trx
        .insertInto('redeemed_tickets')
        // In id order: two nodes inserting overlapping batches then lock rows in the same order (no deadlock).
        .values([...rows.values()].sort((a, b) => (a.ticket_id < b.ticket_id ? -1 : a.ticket_id > b.ticket_id ? 1 : 0)))
        .onConflict((conflict) => conflict.column('ticket_id').doNothing())
        .returning('ticket_id')
        .execute();
      // Both sides are Date#toISOString text, which orders as time on both backends.
      await trx.deleteFrom('redeemed_tickets').where('expires_at', '<', purgeBefore).execute();
      return new Set(inserted.map((row) => row.ticket_id));
    });
  }
}
