/** Mappings and their credential fields. */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';
import { caseKey, mappingFromRow, sealedFieldFromRow } from '../vault-rows.js';
import type { MappingRecord, NewMapping, SealedField } from '../vault-types.js';
import { isForeignKeyViolation } from './driver-errors.js';
import { checkFields } from './fields.js';

export async function createMapping(db: Kysely<Database>, mapping: NewMapping): Promise<MappingRecord> {
  try {
    return await db.transaction().execute(async (trx) => {
      const app = await trx.selectFrom('applications').select(['name', 'type']).where('id', '=', mapping.applicationId).executeTakeFirst();
      if (app === undefined) throw noApp(mapping.applicationId);
      const accountKey = caseKey(mapping.account);
      // ON CONFLICT DO NOTHING on both unique indexes: of racing creators exactly one inserts.
      // Host group mappings all name the application's one account, so only their external
      // user is unique (a NULL account_unique_key never clashes).
      const row = await trx
        .insertInto('mappings')
        .values({
          id: mapping.id,
          application_id: mapping.applicationId,
          account: mapping.account,
          account_key: accountKey,
          account_unique_key: app.type === 'hostGroup' ? null : accountKey,
          external_user: mapping.externalUser,
          external_key: caseKey(mapping.externalUser),
          // Disabled until its credentials are set (setCredentials enables it).
          enabled: 0,
          has_credentials: 0,
          created_at: mapping.createdAt,
          updated_at: mapping.createdAt,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw await mappingExists(trx, mapping, app);
      return mappingFromRow(row);
    });
  } catch (error) {
    // pg: the application was deleted between the read above and the insert.
    if (isForeignKeyViolation(error)) throw noApp(mapping.applicationId, error);
    throw error;
  }
}

/** Names the side that clashes; the winner of a race is committed, so this sees it. */
async function mappingExists(db: Kysely<Database>, mapping: NewMapping, app: { name: string; type: string }): Promise<Error> {
  const existing = db.selectFrom('mappings').select(['account', 'external_user']).where('application_id', '=', mapping.applicationId);
  if (app.type !== 'hostGroup') {
    const byAccount = await existing.where('account_unique_key', '=', caseKey(mapping.account)).executeTakeFirst();
    if (byAccount !== undefined) {
      return fail('MAPPING_EXISTS', `${byAccount.account} already has a mapping for ${app.name} (to external user ${byAccount.external_user})`);
    }
  }
  const byExternal = await existing.where('external_key', '=', caseKey(mapping.externalUser)).executeTakeFirst();
  if (byExternal !== undefined) {
    return fail('MAPPING_EXISTS', `external user ${byExternal.external_user} is already mapped in ${app.name} (from ${byExternal.account})`);
  }
  return fail('MAPPING_EXISTS', `a mapping with id ${mapping.id} already exists`);
}

function noApp(applicationId: string, cause?: unknown): Error {
  return fail('NO_APP', `there is no affiliate application with id ${applicationId}: it was deleted`, cause);
}

/** For host group applications, whose mappings share one account, the oldest of them. */
export async function getMapping(db: Kysely<Database>, applicationId: string, account: string): Promise<MappingRecord | undefined> {
  const row = await db
    .selectFrom('mappings')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('account_key', '=', caseKey(account))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : mappingFromRow(row);
}

export async function getMappingByExternalUser(db: Kysely<Database>, applicationId: string, externalUser: string): Promise<MappingRecord | undefined> {
  const row = await db
    .selectFrom('mappings')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('external_key', '=', caseKey(externalUser))
    .executeTakeFirst();
  return row === undefined ? undefined : mappingFromRow(row);
}

export async function listMappings(db: Kysely<Database>, filter: { applicationId?: string; account?: string }): Promise<MappingRecord[]> {
  let query = db.selectFrom('mappings').selectAll();
  if (filter.applicationId !== undefined) query = query.where('application_id', '=', filter.applicationId);
  if (filter.account !== undefined) query = query.where('account_key', '=', caseKey(filter.account));
  const rows = await query.orderBy('account_key').orderBy('external_key').orderBy('id').execute();
  return rows.map(mappingFromRow);
}

export async function setMappingEnabled(db: Kysely<Database>, id: string, enabled: boolean, updatedAt: string): Promise<MappingRecord | undefined> {
  const row = await db
    .updateTable('mappings')
    .set({ enabled: enabled ? 1 : 0, updated_at: updatedAt })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : mappingFromRow(row);
}

export async function deleteMapping(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('mappings').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function setCredentials(db: Kysely<Database>, mappingId: string, fields: SealedField[], updatedAt: string): Promise<void> {
  checkFields(fields);
  await db.transaction().execute(async (trx) => {
    // The mapping row first: on pg this locks it, so concurrent setters (and a concurrent
    // delete) queue behind this transaction instead of interleaving their field rows.
    const mapping = await trx
      .updateTable('mappings')
      .set({ enabled: 1, has_credentials: 1, updated_at: updatedAt })
      .where('id', '=', mappingId)
      .returning('id')
      .executeTakeFirst();
    if (mapping === undefined) throw fail('NO_MAPPING', `mapping ${mappingId} does not exist: it was deleted`);
    await trx.deleteFrom('credentials').where('mapping_id', '=', mappingId).execute();
    if (fields.length === 0) return;
    await trx
      .insertInto('credentials')
      .values(fields.map((field) => ({ mapping_id: mappingId, ordinal: field.ordinal, ciphertext: field.ciphertext })))
      .execute();
  });
}

export async function getCredentials(db: Kysely<Database>, mappingId: string): Promise<SealedField[]> {
  const rows = await db.selectFrom('credentials').select(['ordinal', 'ciphertext']).where('mapping_id', '=', mappingId).orderBy('ordinal').execute();
  return rows.map(sealedFieldFromRow);
}
