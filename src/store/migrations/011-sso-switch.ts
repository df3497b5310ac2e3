/**
 * ENTSSO's SSO switch (ssomanage -enablesso / -disablesso) and audit levels (ssoconfig
 * -auditlevel) as global info columns. An existing vault keeps working as before: SSO enabled,
 * and ENTSSO's default audit levels (positive 0, negative 1).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function ssoSwitchMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One statement per column: SQLite adds one column per ALTER TABLE.
      await db.schema
        .alterTable('global_info')
        .addColumn('sso_enabled', 'integer', (col) =>
          col
            .notNull()
            .defaultTo(1)
            .check(sql`sso_enabled in (0, 1)`),
        )
        .execute();
      await db.schema
        .alterTable('global_info')
        .addColumn('audit_positive', 'integer', (col) =>
          col
            .notNull()
            .defaultTo(0)
            .check(sql`audit_positive between 0 and 3`),
        )
        .execute();
      await db.schema
        .alterTable('global_info')
        .addColumn('audit_negative', 'integer', (col) =>
          col
            .notNull()
            .defaultTo(1)
            .check(sql`audit_negative between 0 and 3`),
        )
        .execute();
    },
  };
}
