/** Affiliate applications and their data keys. */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database, DialectKind } from '../schema.js';
import { applicationFromRow, applicationPatch, caseKey, dataKeyFromRow } from '../vault-rows.js';
import type { ApplicationRecord, ApplicationUpdate, DataKeyRecord, NewApplication } from '../vault-types.js';
import { insertDataKey } from './keyring.js';

export async function createApplication(db: Kysely<Database>, kind: DialectKind, app: NewApplication, firstKey: DataKeyRecord): Promise<ApplicationRecord> {
  if (firstKey.applicationId !== app.id) {
    throw fail('INVALID_QUERY', `the first data key belongs to application ${firstKey.applicationId}, not to ${app.id}`);
  }
  return db.transaction().execute(async (trx) => {
    // ON CONFLICT DO NOTHING on the unique name_key (and id): of two racing creators of one
    // name exactly one inserts, and the other gets no row instead of a driver-specific error.
    const row = await trx
      .insertInto('applications')
      .values({
        id: app.id,
        name: app.name,
        name_key: caseKey(app.name),
        type: app.type,
        description: app.description,
        contact: app.contact,
        user_accounts: JSON.stringify(app.userAccounts),
        admin_accounts: JSON.stringify(app.adminAccounts),
        windows_account: app.windowsAccount,
        fields: JSON.stringify(app.fields),
        flags: JSON.stringify(app.flags),
        ticket_timeout_minutes: app.ticketTimeoutMinutes,
        created_at: app.createdAt,
        updated_at: app.createdAt,
        version: 1,
      })
      .onConflict((conflict) => conflict.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw await applicationExists(trx, app);
    await insertDataKey(trx, kind, firstKey);
    return applicationFromRow(row);
  });
}

async function applicationExists(db: Kysely<Database>, app: NewApplication): Promise<Error> {
  const taken = await db.selectFrom('applications').select('name').where('name_key', '=', caseKey(app.name)).executeTakeFirst();
  return taken === undefined
    ? fail('APP_EXISTS', `an application with id ${app.id} already exists`)
    : fail('APP_EXISTS', `an affiliate application named ${taken.name} already exists (names ignore case): choose another name`);
}

export async function getApplication(db: Kysely<Database>, name: string): Promise<ApplicationRecord | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('name_key', '=', caseKey(name)).executeTakeFirst();
  return row === undefined ? undefined : applicationFromRow(row);
}

export async function getApplicationById(db: Kysely<Database>, id: string): Promise<ApplicationRecord | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : applicationFromRow(row);
}

export async function listApplications(db: Kysely<Database>): Promise<ApplicationRecord[]> {
  const rows = await db.selectFrom('applications').selectAll().orderBy('name_key').execute();
  return rows.map(applicationFromRow);
}

export async function updateApplication(db: Kysely<Database>, id: string, expectedVersion: number, update: ApplicationUpdate): Promise<ApplicationRecord> {
  // One statement, so the version check and the write cannot be split by another writer.
  // applicationPatch copies only the updatable fields: name and type never change here.
  const row = await db
    .updateTable('applications')
    .set((eb) => ({ ...applicationPatch(update), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst();
  if (row !== undefined) return applicationFromRow(row);
  const current = await db.selectFrom('applications').select(['name', 'version']).where('id', '=', id).executeTakeFirst();
  if (current === undefined) throw fail('NO_APP', `there is no affiliate application with id ${id}: it was deleted`);
  throw fail(
    'APP_CHANGED',
    `application ${current.name} was changed by another writer (version ${current.version}, expected ${expectedVersion}): read it again and retry`,
  );
}

export async function deleteApplication(db: Kysely<Database>, id: string): Promise<boolean> {
  // Data keys, mappings, credentials and config entries go with it (ON DELETE CASCADE).
  const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function getDataKey(db: Kysely<Database>, applicationId: string, version?: number): Promise<DataKeyRecord | undefined> {
  let query = db.selectFrom('data_keys').selectAll().where('application_id', '=', applicationId);
  query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : dataKeyFromRow(row);
}

export async function listDataKeys(db: Kysely<Database>): Promise<DataKeyRecord[]> {
  const rows = await db.selectFrom('data_keys').selectAll().orderBy('application_id').orderBy('version').execute();
  return rows.map(dataKeyFromRow);
}
