/**
 * Part 3, item 2: ENTSSO tickets through the vault service on the SQLite vault of item 1
 * (global ticketsAllowed on, the application's allowTickets on).
 *
 * Each round issues a batch of tickets (application users, each for itself), then redeems
 * exactly those tickets (an application administrator, as the integration server would), since
 * a ticket is single use. As a reference for redeem, which must record the ticket id durably,
 * each round also times the same number of bare durable commits: better-sqlite3 inserting one
 * row into the same file's redeemed_tickets table (WAL, synchronous = FULL, as the store runs).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { Principal } from '../src/service/index.js';
import { type Summary, summarize } from './stats.js';
import { ADMIN, type BenchVault } from './vault-fixture.js';
import { LOOKUP_ADMINS_GROUP, LOOKUP_APP, type LookupUser } from './vault-lookup.js';

/** The integration server's account: an application administrator, who may redeem tickets. */
export const REDEEMER: Principal = { name: 'CORP\\integration', groups: [LOOKUP_ADMINS_GROUP] };

export interface TicketBenchOptions {
  warmupRounds: number;
  rounds: number;
  /** Tickets per round. */
  batch: number;
}

export interface TicketBenchResult {
  warmupRounds: number;
  rounds: number;
  batch: number;
  /** Microseconds per operation. */
  issueUs: Summary;
  redeemUs: Summary;
  commitUs: Summary;
  issuePerSecond: number;
  redeemPerSecond: number;
  commitPerSecond: number;
}

export async function runTicketBench(bench: BenchVault, users: readonly LookupUser[], options: TicketBenchOptions): Promise<TicketBenchResult> {
  const { vault, target } = bench;
  if (target.kind !== 'sqlite') throw new Error('the ticket benchmark runs on the SQLite vault');
  await vault.global.update({ ticketsAllowed: true }, ADMIN);

  const floorDb = new BetterSqlite3(target.file, { fileMustExist: true, timeout: 10_000 });
  floorDb.pragma('synchronous = FULL');
  const insert = floorDb.prepare<[string, string, string]>('insert into redeemed_tickets (ticket_id, expires_at, redeemed_at) values (?, ?, ?)');

  let cursor = 0;
  const samples = { issue: [] as number[], redeem: [] as number[], commit: [] as number[] };
  try {
    const total = options.warmupRounds + options.rounds;
    for (let round = 0; round < total; round++) {
      const owners = Array.from({ length: options.batch }, (_, i) => users[(cursor + i) % users.length]!);
      cursor = (cursor + options.batch) % users.length;

      let start = performance.now();
      const tickets: string[] = [];
      for (const owner of owners) tickets.push((await vault.tickets.issue(owner.principal, LOOKUP_APP)).ticket);
      const issueUs = ((performance.now() - start) * 1000) / options.batch;

      start = performance.now();
      const redeemed = [];
      for (const ticket of tickets) redeemed.push(await vault.tickets.redeem(LOOKUP_APP, ticket, REDEEMER));
      const redeemUs = ((performance.now() - start) * 1000) / options.batch;

      // Not timed: each ticket gave its owner's credentials.
      redeemed.forEach((credentials, i) => {
        const owner = owners[i]!;
        if (credentials.account !== owner.principal.name || credentials.fields[0]?.value !== owner.password) {
          throw new Error(`ticket of ${owner.principal.name} redeemed for the wrong credentials`);
        }
      });

      const expiresAt = new Date(Date.now() + 120_000).toISOString();
      start = performance.now();
      for (let i = 0; i < options.batch; i++) insert.run(randomUUID(), expiresAt, new Date().toISOString());
      const commitUs = ((performance.now() - start) * 1000) / options.batch;

      if (round >= options.warmupRounds) {
        samples.issue.push(issueUs);
        samples.redeem.push(redeemUs);
        samples.commit.push(commitUs);
      }
    }
    // A redeemed ticket must not redeem twice (not timed).
    const again = (await vault.tickets.issue(users[0]!.principal, LOOKUP_APP)).ticket;
    await vault.tickets.redeem(LOOKUP_APP, again, REDEEMER);
    const second = await vault.tickets.redeem(LOOKUP_APP, again, REDEEMER).then(
      () => 'redeemed',
      (error: unknown) => (error as { code?: string }).code,
    );
    if (second !== 'TICKET_REDEEMED') throw new Error(`a second redeem of one ticket gave ${String(second)}, not TICKET_REDEEMED`);
  } finally {
    floorDb.close();
  }
  const issueUs = summarize(samples.issue);
  const redeemUs = summarize(samples.redeem);
  const commitUs = summarize(samples.commit);
  return {
    warmupRounds: options.warmupRounds,
    rounds: options.rounds,
    batch: options.batch,
    issueUs,
    redeemUs,
    commitUs,
    issuePerSecond: 1e6 / issueUs.median,
    redeemPerSecond: 1e6 / redeemUs.median,
    commitPerSecond: 1e6 / commitUs.median,
  };
}
