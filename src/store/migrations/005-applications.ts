/** Affiliate applications and their data keys. */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { bytesType } from './column-types.js';

export function applicationsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('applications')
        .addColumn('id', 'text', (col) => col.primaryKey().notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        // Unique: two concurrent creators of "Payroll" and "PAYROLL" cannot both succeed.
        .addColumn('name_key', 'text', (col) => col.notNull().unique())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('description', 'text', (col) => col.notNull())
        .addColumn('contact', 'text', (col) => col.notNull())
        .addColumn('user_accounts', 'text', (col) => col.notNull())
        .addColumn('admin_accounts', 'text', (col) => col.notNull())
        .addColumn('windows_account', 'text')
        .addColumn('fields', 'text', (col) => col.notNull())
        .addColumn('flags', 'text', (col) => col.notNull())
        .addColumn('ticket_timeout_minutes', 'integer')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('data_keys')
        .addColumn('application_id', 'text', (col) => col.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('msid', 'text', (col) => col.notNull())
        .addColumn('wrapped', bytesType(kind), (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('data_keys_pk', ['application_id', 'version'])
        .execute();
    },
  };
}
