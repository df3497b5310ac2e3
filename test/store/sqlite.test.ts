/** What only the SQLite backend promises: private files and durable pragmas. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite/open.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { sampleEvent, sampleVault } from './fixtures.js';

const sqliteTarget = storeTargets.find((target) => target.name === 'sqlite')!;

describe('sqlite store', () => {
  let database: TestDatabase;
  let file: string;

  beforeEach(async () => {
    database = await sqliteTarget.create();
    if (database.config.kind !== 'sqlite') throw new Error('expected a sqlite config');
    file = database.config.file;
  });

  afterEach(() => database.cleanup());

  it('creates the file, its -wal and -shm owner-only', async () => {
    const store = await openStore({ kind: 'sqlite', file });
    try {
      await store.createVault(sampleVault());
      await store.appendEvent(sampleEvent(1));
      expect(store.location).toBe(file);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect({ path, mode: (await stat(path)).mode & 0o777 }).toEqual({ path, mode: 0o600 });
      }
    } finally {
      await store.close();
    }
  });

  it('creates a missing parent directory owner-only', async () => {
    const nested = join(file, '..', 'a', 'b', 'tessera.db');
    const store = await openStore({ kind: 'sqlite', file: nested });
    await store.close();
    expect((await stat(join(nested, '..'))).mode & 0o777).toBe(0o700);
  });

  it('opens connections in WAL mode with full sync, foreign keys and a busy timeout', async () => {
    const { db } = await openSqlite(file);
    try {
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(10_000);
    } finally {
      await db.destroy();
    }
  });

  it('purges redeemed tickets a day after they expired', async () => {
    const store = await openStore({ kind: 'sqlite', file });
    const { db } = await openSqlite(file);
    try {
      const old = { ticket_id: 'old', expires_at: '2001-01-01T00:00:00.000Z', redeemed_at: '2001-01-01T00:00:00.000Z' };
      const now = new Date('2030-01-01T00:00:00.000Z');
      const recent = { ...old, ticket_id: 'recent', expires_at: new Date(now.getTime() - 3_600_000).toISOString() };
      await db.insertInto('redeemed_tickets').values([old, recent]).execute();
      expect(await store.redeemTicket('new', new Date(now.getTime() + 60_000).toISOString(), now)).toBe(true);
      const left = await db.selectFrom('redeemed_tickets').select('ticket_id').orderBy('ticket_id').execute();
      expect(left.map((row) => row.ticket_id)).toEqual(['new', 'recent']);
    } finally {
      await db.destroy();
      await store.close();
    }
  });
});
