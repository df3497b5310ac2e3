/** The single vault row: its identity and the sealed keyring writers compare-and-swap on. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { bytesType } from './column-types.js';

export function vaultMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('vault')
        // A fixed primary key of 1 makes a second vault row a constraint violation, so
        // two concurrent createVault calls cannot both succeed.
        .addColumn('singleton', 'integer', (col) =>
          col
            .primaryKey()
            .notNull()
            .check(sql`singleton = 1`),
        )
        .addColumn('vault_id', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('created_by', 'text', (col) => col.notNull())
        .addColumn('generation', 'integer', (col) => col.notNull())
        .addColumn('sealed_keyring', bytesType(kind), (col) => col.notNull())
        .addColumn('current_msid', 'text', (col) => col.notNull())
        .addColumn('previous_msid', 'text')
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
    },
  };
}
