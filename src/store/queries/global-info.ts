/** The single global info row (created with its defaults by migration 004). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { globalInfoFromRow, globalInfoPatch } from '../vault-rows.js';
import type { GlobalInfo } from '../vault-types.js';

export async function getGlobalInfo(db: Kysely<Database>): Promise<GlobalInfo> {
  return globalInfoFromRow(await db.selectFrom('global_info').selectAll().executeTakeFirstOrThrow());
}

export async function updateGlobalInfo(db: Kysely<Database>, patch: Partial<GlobalInfo>): Promise<GlobalInfo> {
  const columns = globalInfoPatch(patch);
  if (Object.keys(columns).length === 0) return getGlobalInfo(db);
  // One statement: concurrent patches of different fields both land.
  const row = await db.updateTable('global_info').set(columns).returningAll().executeTakeFirstOrThrow();
  return globalInfoFromRow(row);
}
