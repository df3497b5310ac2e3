/** Mappings (enterprise account <-> external account) and their encrypted credential fields. */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { bytesType, flagColumn } from './column-types.js';

export function mappingsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('mappings')
        .addColumn('id', 'text', (col) => col.primaryKey().notNull())
        .addColumn('application_id', 'text', (col) => col.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('account', 'text', (col) => col.notNull())
        .addColumn('account_key', 'text', (col) => col.notNull())
        .addColumn('account_unique_key', 'text')
        .addColumn('external_user', 'text', (col) => col.notNull())
        .addColumn('external_key', 'text', (col) => col.notNull())
        .addColumn('enabled', 'integer', flagColumn('enabled'))
        .addColumn('has_credentials', 'integer', flagColumn('has_credentials'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      // The uniqueness rules live in the database so concurrent creators cannot both pass a
      // check. Host group mappings all share the application's one account and store a NULL
      // account_unique_key, which a unique index never counts as a duplicate (on both backends).
      await db.schema.createIndex('mappings_account_unique').on('mappings').columns(['application_id', 'account_unique_key']).unique().execute();
      await db.schema.createIndex('mappings_external_unique').on('mappings').columns(['application_id', 'external_key']).unique().execute();
      // getMapping (host group mappings have no account_unique_key) and listMappings by account.
      await db.schema.createIndex('mappings_account').on('mappings').columns(['application_id', 'account_key']).execute();
      await db.schema.createIndex('mappings_account_any_app').on('mappings').column('account_key').execute();

      await db.schema
        .createTable('credentials')
        .addColumn('mapping_id', 'text', (col) => col.notNull().references('mappings.id').onDelete('cascade'))
        .addColumn('ordinal', 'integer', (col) => col.notNull())
        .addColumn('ciphertext', bytesType(kind), (col) => col.notNull())
        // Its leading column serves lookups (and cascades) by mapping_id.
        .addPrimaryKeyConstraint('credentials_pk', ['mapping_id', 'ordinal'])
        .execute();
    },
  };
}
