/** The event log, in the order the store received the events. */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { autoKey, autoKeyType } from './column-types.js';

export function eventsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('events')
        .addColumn('seq', autoKeyType(kind, 'bigint'), autoKey(kind))
        .addColumn('id', 'integer', (col) => col.notNull())
        .addColumn('symbol', 'text', (col) => col.notNull())
        .addColumn('severity', 'text', (col) => col.notNull())
        .addColumn('time', 'text', (col) => col.notNull())
        .addColumn('params', 'text', (col) => col.notNull())
        .addColumn('message', 'text', (col) => col.notNull())
        .execute();
      // listEvents filters by event id and pages by seq, or filters by time.
      await db.schema.createIndex('events_id_seq').on('events').columns(['id', 'seq']).execute();
      await db.schema.createIndex('events_time').on('events').column('time').execute();
    },
  };
}
