/**
 * Part 4: the HTTP API under load, against floors measured in the same run on the same
 * machine, each driven by a load generator in a separate process (bench/http-load.ts,
 * autocannon) at concurrency 64 over loopback:
 *
 * 1. GET /v1/lookup/Payroll (API token, each request as one of 64 users in turn) vs a bare
 *    fastify route returning a constant: requests per second (target >= 0.5x) and p99 latency
 *    (target <= 2x the bare route's).
 * 2. POST /v1/tickets/redeem, each request a different ticket, vs a bare fastify route making
 *    one durable commit per request (better-sqlite3, WAL, synchronous FULL, one INSERT each):
 *    target >= 1x, which only grouping commits can reach.
 *
 * The server under test and the floors run in this process; only the load is elsewhere.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import { pino } from 'pino';
import { createEventEmitter } from '../src/events/index.js';
import { DEFAULT_SERVER_SETTINGS, apiTokenAuthenticator, createMetrics, startServer } from '../src/server/index.js';
import { createTokenService } from '../src/service/index.js';
import type { LoadJob, LoadResult } from './http-load.js';
import { ADMIN, openBenchVault } from './vault-fixture.js';
import { LOOKUP_APP, seedLookupApp } from './vault-lookup.js';
import { REDEEMER } from './vault-tickets.js';

const run = promisify(execFile);
export const HTTP_LOOKUP_TARGET = { rps: 0.5, p99: 2 } as const;
export const HTTP_REDEEM_TARGET = 1;

export interface HttpBenchOptions {
  directory: string;
  connections: number;
  /** Seconds per lookup measurement. */
  seconds: number;
  /** Tickets redeemed per redeem measurement. */
  tickets: number;
}

export interface HttpBenchResult {
  connections: number;
  lookup: LoadResult;
  bare: LoadResult;
  redeem: LoadResult;
  commit: LoadResult;
  lookupRpsRatio: number;
  lookupP99Ratio: number;
  redeemRatio: number;
}

async function load(directory: string, name: string, job: LoadJob): Promise<LoadResult> {
  const file = join(directory, `${name}.job.json`);
  writeFileSync(file, JSON.stringify(job));
  const { stdout } = await run(process.execPath, [new URL('./http-load.js', import.meta.url).pathname, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

export async function runHttpBench(options: HttpBenchOptions): Promise<HttpBenchResult> {
  const { directory, connections } = options;
  const bench = await openBenchVault(join(directory, 'vault'), { kind: 'sqlite', file: join(directory, 'http.db') });
  const logger = pino({ level: 'warn' }, pino.destination({ dest: join(directory, 'http.log'), sync: false, mkdir: true }));
  const events = createEventEmitter({ sink: bench.store, logger, now: () => new Date() });
  const tokens = createTokenService({ store: bench.store, events, computerName: 'BENCH', now: () => new Date() });
  const seeded = await seedLookupApp(bench, 64);
  await bench.vault.global.update({ ticketsAllowed: true }, ADMIN);

  const server = await startServer({
    settings: { ...DEFAULT_SERVER_SETTINGS, listen: { host: '127.0.0.1', port: 0 } },
    vault: bench.vault,
    secrets: bench.secret,
    authenticators: [apiTokenAuthenticator(tokens)],
    tokens,
    events,
    logger,
    metrics: createMetrics(bench.secret, () => new Date()),
    scratchDir: join(directory, 'scratch'),
    guardedPaths: [join(directory, 'vault'), join(directory, 'http.db')],
    now: () => new Date(),
  });

  const floorDb = new BetterSqlite3(join(directory, 'floor.db'));
  floorDb.pragma('journal_mode = WAL');
  floorDb.pragma('synchronous = FULL');
  floorDb.exec('create table commits (id text primary key, at text not null)');
  const insert = floorDb.prepare<[string, string]>('insert into commits (id, at) values (?, ?)');
  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => ({ ok: true }));
  bare.post<{ Body: { application: string; ticket: string } }>('/commit', async (request) => {
    insert.run(request.body.ticket, new Date().toISOString());
    return { ok: true };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareAddress = bare.server.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0}`;

  try {
    const userHeaders = await Promise.all(
      seeded.users.map(async (user) => ({
        authorization: `Bearer ${(await tokens.create({ account: user.principal.name, groups: [...(user.principal.groups ?? [])] }, ADMIN)).token}`,
      })),
    );
    const redeemer = { authorization: `Bearer ${(await tokens.create({ account: REDEEMER.name, groups: [...(REDEEMER.groups ?? [])] }, ADMIN)).token}` };
    const lookupUrl = `${server.url}/v1/lookup/${LOOKUP_APP}`;
    // Warm both up (JIT, caches, connection pools), then measure.
    await load(directory, 'warm-lookup', { url: lookupUrl, method: 'GET', connections, duration: 1, headers: userHeaders });
    await load(directory, 'warm-bare', { url: `${bareUrl}/bare`, method: 'GET', connections, duration: 1, headers: [{}] });
    const lookup = await load(directory, 'lookup', { url: lookupUrl, method: 'GET', connections, duration: options.seconds, headers: userHeaders });
    const bareResult = await load(directory, 'bare', { url: `${bareUrl}/bare`, method: 'GET', connections, duration: options.seconds, headers: [{}] });

    const tickets: string[] = [];
    for (let i = 0; i < options.tickets; i++) {
      const user = seeded.users[i % seeded.users.length]!;
      tickets.push(JSON.stringify({ application: LOOKUP_APP, ticket: (await bench.vault.tickets.issue(user.principal, LOOKUP_APP)).ticket }));
    }
    const redeem = await load(directory, 'redeem', {
      url: `${server.url}/v1/tickets/redeem`,
      method: 'POST',
      connections,
      duration: 0,
      headers: [redeemer],
      bodies: tickets,
    });
    const commit = await load(directory, 'commit', { url: `${bareUrl}/commit`, method: 'POST', connections, duration: 0, headers: [{}], bodies: tickets });
    return {
      connections,
      lookup,
      bare: bareResult,
      redeem,
      commit,
      lookupRpsRatio: lookup.requestsPerSecond / bareResult.requestsPerSecond,
      lookupP99Ratio: lookup.p99Ms / Math.max(bareResult.p99Ms, 1),
      redeemRatio: redeem.requestsPerSecond / commit.requestsPerSecond,
    };
  } finally {
    await bare.close();
    floorDb.close();
    await server.stop();
    await bench.close();
  }
}

export function formatHttpBench(result: HttpBenchResult): string {
  const line = (name: string, r: LoadResult) =>
    `   ${name.padEnd(34)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50Ms).padStart(4)} ms   p99 ${String(r.p99Ms).padStart(4)} ms   ` +
    `(${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'BELOW TARGET');
  return [
    `4. HTTP API at concurrency ${result.connections} on loopback (load from a separate process)`,
    line('GET /v1/lookup (64 users, tokens)', result.lookup),
    line('bare fastify, constant', result.bare),
    `   lookup/bare: ${result.lookupRpsRatio.toFixed(2)}x requests per second (target >= ${HTTP_LOOKUP_TARGET.rps}x, ${verdict(result.lookupRpsRatio >= HTTP_LOOKUP_TARGET.rps)}), ` +
      `p99 ${result.lookupP99Ratio.toFixed(2)}x (target <= ${HTTP_LOOKUP_TARGET.p99}x, ${verdict(result.lookupP99Ratio <= HTTP_LOOKUP_TARGET.p99)})`,
    line('POST /v1/tickets/redeem', result.redeem),
    line('bare fastify, one durable commit', result.commit),
    `   redeem/commit: ${result.redeemRatio.toFixed(2)}x (target >= ${HTTP_REDEEM_TARGET}x, ${verdict(result.redeemRatio >= HTTP_REDEEM_TARGET)})`,
  ].join('\n');
}
