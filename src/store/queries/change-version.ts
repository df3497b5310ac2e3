/**
 * The change version (migration 010): a number the database bumps on every change to what
 * decides a lookup. Read alone, or together with a mapping's credential fields in one
 * statement, so both come from one snapshot.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { sealedFieldFromRow } from '../vault-rows.js';
import type { SealedField, VersionedFields } from '../vault-types.js';

/** pg returns bigint as a string, better-sqlite3 as a number. */
export function versionFromColumn(value: number | string | bigint): number {
  return Number(value);
}

export async function changeVersion(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('change_version').select('version').executeTakeFirstOrThrow();
  return versionFromColumn(row.version);
}

export async function bumpChangeVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .updateTable('change_version')
    .set({ version: sql`version + 1` })
    .returning('version')
    .executeTakeFirstOrThrow();
  return versionFromColumn(row.version);
}

/** One row per field, each with the version. */
export interface VersionedFieldRow {
  change_version: number | string;
  ordinal: number;
  ciphertext: Buffer;
}

/**
 * The version as a scalar subquery, so the plan is the floor's: one index search of credentials
 * (a left join from change_version cost a scan and a sort). With no field there is no row, and
 * the caller reads the version next: versions only grow, so a version read after the fields that
 * equals an earlier one means the fields were read at that version too.
 */
export const VERSIONED_FIELDS_SQL = `select (select version from change_version) as change_version, ordinal, ciphertext
    from credentials where mapping_id = ? order by ordinal`;

export function versionedFieldsFromRows(rows: readonly VersionedFieldRow[]): { changeVersion: number; fields: SealedField[] } | undefined {
  const first = rows[0];
  if (!first) return undefined;
  return { changeVersion: versionFromColumn(first.change_version), fields: rows.map(sealedFieldFromRow) };
}

export async function getVersionedCredentials(db: Kysely<Database>, mappingId: string): Promise<VersionedFields> {
  const { rows } = await sql<VersionedFieldRow>`select (select version from change_version) as change_version, ordinal, ciphertext
    from credentials where mapping_id = ${mappingId} order by ordinal`.execute(db);
  return versionedFieldsFromRows(rows) ?? { changeVersion: await changeVersion(db), fields: [] };
}
