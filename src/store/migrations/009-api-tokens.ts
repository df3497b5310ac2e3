/** API tokens for the HTTP server: only a SHA-256 hash of each token's secret part is kept. */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { bytesType } from './column-types.js';

export function apiTokensMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        // The public part of the token text (tsr_<id>_<secret>): what list, revoke and the log name.
        .addColumn('id', 'text', (col) => col.primaryKey().notNull())
        .addColumn('secret_hash', bytesType(kind), (col) => col.notNull())
        .addColumn('account', 'text', (col) => col.notNull())
        .addColumn('groups', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('created_by', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
    },
  };
}
