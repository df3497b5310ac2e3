/** Config store entries, and the ids of redeemed tickets (single use). */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { bytesType } from './column-types.js';

export function configAndTicketsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('config_entries')
        .addColumn('application_id', 'text', (col) => col.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('identifier', 'text', (col) => col.notNull())
        .addColumn('identifier_key', 'text', (col) => col.notNull())
        .addColumn('ordinal', 'integer', (col) => col.notNull())
        .addColumn('ciphertext', bytesType(kind), (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('config_entries_pk', ['application_id', 'identifier_key', 'ordinal'])
        .execute();

      await db.schema
        .createTable('redeemed_tickets')
        // The primary key is what makes a ticket single use: one insert of an id succeeds.
        .addColumn('ticket_id', 'text', (col) => col.primaryKey().notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('redeemed_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('redeemed_tickets_expires_at').on('redeemed_tickets').column('expires_at').execute();
    },
  };
}
