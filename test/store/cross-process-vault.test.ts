/**
 * Four real processes open the same fresh database at once (racing the vault migrations), each
 * tries to create one application under a differently cased name, then all redeem the same
 * 100 tickets. Exactly one process creates the application and each ticket is won exactly once.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { distUrl } from '../support/dist.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { runWorker } from './run-worker.js';

const PROCESSES = 4;
const TICKETS = 100;

/** Runs in each child: plain ESM against the compiled store. */
const WORKER = `
const { openStore } = await import(process.env.STORE_MODULE);
const config = JSON.parse(process.env.STORE_CONFIG);
const index = Number(process.env.INDEX);
while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 1));

const store = await openStore(config);
let created = false;
const won = [];
try {
  const id = 'app-' + index;
  const name = ['Shared', 'SHARED', 'shared', 'sHARED'][index % 4];
  const now = new Date().toISOString();
  const flags = Object.fromEntries(['enableApp', 'groupApp', 'configStoreApp', 'hostInitiatedSSO',
    'windowsInitiatedSSO', 'validatePassword', 'allowTickets', 'validateTickets', 'timeoutTickets',
    'allowLocalAccounts', 'adminAccountSame', 'disableCredCache'].map((flag) => [flag, false]));
  try {
    await store.createApplication(
      { id, name, type: 'individual', description: '', contact: '', userAccounts: [], adminAccounts: [],
        windowsAccount: null, fields: [], flags, ticketTimeoutMinutes: null, createdAt: now },
      { applicationId: id, version: 1, msid: 'msid-1', wrapped: Buffer.from(id), createdAt: now },
    );
    created = true;
  } catch (error) {
    if (error.code !== 'APP_EXISTS') throw error;
  }
  const redeemedAt = new Date('2031-06-15T12:00:00.000Z');
  const expiresAt = new Date(redeemedAt.getTime() + 3_600_000).toISOString();
  const tickets = Array.from({ length: Number(process.env.TICKETS) }, (_, n) => 'ticket-' + n);
  const results = await Promise.all(tickets.map((ticket) => store.redeemTicket(ticket, expiresAt, redeemedAt)));
  tickets.forEach((ticket, n) => { if (results[n]) won.push(ticket); });
} finally {
  await store.close();
}
process.stdout.write(JSON.stringify({ created, won }));
`;

interface WorkerResult {
  created: boolean;
  won: string[];
}

let storeModule: string;

beforeAll(() => {
  storeModule = distUrl('store/index.js');
}, 60_000);

describe.each(storeTargets)('processes racing on one $name vault', (target) => {
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await database?.cleanup();
  });

  it('create one application of a name and redeem each ticket once', { timeout: 60_000 }, async () => {
    database = await target.create();
    const env = {
      STORE_MODULE: storeModule,
      STORE_CONFIG: JSON.stringify(database.config),
      TICKETS: String(TICKETS),
      // Far enough ahead for every child to boot and import the store first.
      START_AT: String(Date.now() + 1_500),
    };
    const results = await Promise.all(Array.from({ length: PROCESSES }, (_, index) => runWorker<WorkerResult>(WORKER, { ...env, INDEX: String(index) })));

    expect(results.filter((result) => result.created)).toHaveLength(1);
    const won = results.flatMap((result) => result.won);
    expect(won).toHaveLength(TICKETS);
    expect(new Set(won).size).toBe(TICKETS);

    const store = await openStore(database.config);
    try {
      expect(await store.listApplications()).toHaveLength(1);
      expect(await store.listDataKeys()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
