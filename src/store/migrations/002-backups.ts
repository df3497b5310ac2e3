/** Backup files Tessera wrote or verified: which vault and MSIDs each one holds. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { autoKey, autoKeyType } from './column-types.js';

export function backupsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('backups')
        .addColumn('id', autoKeyType(kind, 'integer'), autoKey(kind))
        .addColumn('vault_id', 'text', (col) => col.notNull())
        .addColumn('msid', 'text', (col) => col.notNull())
        .addColumn('msids', 'text', (col) => col.notNull())
        .addColumn('file', 'text', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('backup', 'verify')`))
        .addColumn('verified_at', 'text', (col) => col.notNull())
        .addColumn('client_user', 'text', (col) => col.notNull())
        .execute();
    },
  };
}
