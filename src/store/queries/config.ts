/** Config store entries: per application and identifier, one ciphertext per field. */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database } from '../schema.js';
import { caseKey, sealedFieldFromRow } from '../vault-rows.js';
import type { SealedField } from '../vault-types.js';
import { isForeignKeyViolation } from './driver-errors.js';
import { checkFields } from './fields.js';

export async function setConfig(db: Kysely<Database>, applicationId: string, identifier: string, fields: SealedField[], updatedAt: string): Promise<void> {
  checkFields(fields);
  if (fields.length === 0) {
    await requireApplication(db, applicationId);
    return;
  }
  const identifierKey = caseKey(identifier);
  try {
    // One multi-row upsert: atomic without a transaction, and fields not given keep their value.
    await db
      .insertInto('config_entries')
      .values(
        fields.map((field) => ({
          application_id: applicationId,
          identifier,
          identifier_key: identifierKey,
          ordinal: field.ordinal,
          ciphertext: field.ciphertext,
          updated_at: updatedAt,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['application_id', 'identifier_key', 'ordinal']).doUpdateSet((eb) => ({
          ciphertext: eb.ref('excluded.ciphertext'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw noApp(applicationId, error);
    throw error;
  }
}

async function requireApplication(db: Kysely<Database>, applicationId: string): Promise<void> {
  const app = await db.selectFrom('applications').select('id').where('id', '=', applicationId).executeTakeFirst();
  if (app === undefined) throw noApp(applicationId);
}

function noApp(applicationId: string, cause?: unknown): Error {
  return fail('NO_APP', `there is no affiliate application with id ${applicationId}: it was deleted`, cause);
}

export async function getConfig(db: Kysely<Database>, applicationId: string, identifier: string): Promise<SealedField[] | undefined> {
  const rows = await db
    .selectFrom('config_entries')
    .select(['ordinal', 'ciphertext'])
    .where('application_id', '=', applicationId)
    .where('identifier_key', '=', caseKey(identifier))
    .orderBy('ordinal')
    .execute();
  return rows.length === 0 ? undefined : rows.map(sealedFieldFromRow);
}

export async function deleteConfig(db: Kysely<Database>, applicationId: string, identifier: string): Promise<boolean> {
  const result = await db
    .deleteFrom('config_entries')
    .where('application_id', '=', applicationId)
    .where('identifier_key', '=', caseKey(identifier))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
