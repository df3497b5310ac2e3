/** The vault's global settings (ENTSSO's global info): one row, created with the defaults. */
import { sql, type Kysely, type Migration } from 'kysely';
import { flagColumn } from './column-types.js';

export function globalInfoMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('global_info')
        .addColumn('singleton', 'integer', (col) =>
          col
            .primaryKey()
            .notNull()
            .check(sql`singleton = 1`),
        )
        .addColumn('sso_admin_accounts', 'text', (col) => col.notNull())
        .addColumn('affiliate_admin_accounts', 'text', (col) => col.notNull())
        .addColumn('tickets_allowed', 'integer', flagColumn('tickets_allowed'))
        .addColumn('tickets_validate', 'integer', flagColumn('tickets_validate'))
        .addColumn('ticket_timeout_minutes', 'integer', (col) => col.notNull())
        .addColumn('cred_cache_timeout_minutes', 'integer', (col) => col.notNull())
        .addColumn('secret_server', 'text', (col) => col.notNull())
        .addColumn('audit_deleted_apps', 'integer', (col) => col.notNull())
        .addColumn('audit_deleted_mappings', 'integer', (col) => col.notNull())
        .addColumn('audit_credential_lookups', 'integer', (col) => col.notNull())
        .execute();
      // The row exists from the start, so readers never race to create it. A new vault has
      // no administrators but the local one, and tickets are off until an administrator allows them.
      await sql`
        insert into global_info (
          singleton, sso_admin_accounts, affiliate_admin_accounts, tickets_allowed, tickets_validate,
          ticket_timeout_minutes, cred_cache_timeout_minutes, secret_server,
          audit_deleted_apps, audit_deleted_mappings, audit_credential_lookups
        ) values (1, '[]', '[]', 0, 0, 2, 60, '', 1000, 1000, 1000)`.execute(db);
    },
  };
}
