/** API tokens: the hash of each token's secret, who it stands for, and its life (expiry, revocation, last use). */
import type { Kysely, Selectable } from 'kysely';
import { fail } from '../../errors/index.js';
import { toBuffer } from '../rows.js';
import type { ApiTokensTable, Database } from '../schema.js';
import type { ApiTokenRecord, NewApiToken } from '../types.js';

export async function insertToken(db: Kysely<Database>, token: NewApiToken): Promise<ApiTokenRecord> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      secret_hash: token.secretHash,
      account: token.account,
      groups: JSON.stringify(token.groups),
      description: token.description,
      created_at: token.createdAt,
      created_by: token.createdBy,
      expires_at: token.expiresAt,
      revoked_at: null,
      revoked_by: null,
      last_used_at: null,
    })
    // An existing row is never overwritten: its hash stays the one its holder's token matches.
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) throw fail('INVALID_QUERY', `an API token with id ${token.id} already exists`);
  return tokenFromRow(row);
}

export async function getToken(db: Kysely<Database>, id: string): Promise<ApiTokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : tokenFromRow(row);
}

export async function listTokens(db: Kysely<Database>, options: { includeRevoked?: boolean } = {}): Promise<ApiTokenRecord[]> {
  let query = db.selectFrom('api_tokens').selectAll();
  if (!options.includeRevoked) query = query.where('revoked_at', 'is', null);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(tokenFromRow);
}

export async function revokeToken(db: Kysely<Database>, id: string, at: string, by: string): Promise<boolean> {
  // One statement: of two concurrent revokers exactly one sees its update land.
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchToken(db: Kysely<Database>, id: string, at: string): Promise<void> {
  // ISO 8601 UTC text of one format orders as time on both backends.
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute();
}

function tokenFromRow(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    secretHash: toBuffer(row.secret_hash),
    account: row.account,
    groups: JSON.parse(row.groups) as string[],
    description: row.description,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    lastUsedAt: row.last_used_at,
  };
}
