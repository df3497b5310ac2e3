/**
 * ENTSSO's SSO switch (ssomanage -enablesso / -disablesso) and audit levels (ssoconfig
 * -auditlevel) as global info columns. An existing vault keeps working as before: SSO enabled,
 * and ENTSSO's default audit levels (positive 0, negative 1).
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** Each new column, its value for an existing vault, and the values it may hold. */
const COLUMNS = [
  ['sso_enabled', 1, 'in (0, 1)'],
  ['audit_positive', 0, 'between 0 and 3'],
  ['audit_negative', 1, 'between 0 and 3'],
] as const;

export function ssoSwitchMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One statement per column: SQLite adds one column per ALTER TABLE.
      for (const [column, initial, range] of COLUMNS) {
        await db.schema
          .alterTable('global_info')
          .addColumn(column, 'integer', (col) =>
            col
              .notNull()
              .defaultTo(initial)
              .check(sql`${sql.ref(column)} ${sql.raw(range)}`),
          )
          .execute();
      }
    },
  };
}
