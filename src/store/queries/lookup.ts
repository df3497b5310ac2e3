/**
 * The credential lookup hot path: application, mappings and credential fields in one query.
 * `assembleLookup` turns the joined rows into records for both backends; parsed application
 * records are cached by (id, version), since parsing their JSON columns costs more than the query.
 */
import { sql, type Kysely } from 'kysely';
import { versionFromColumn } from './change-version.js';
import { applicationFromRow, caseKey, mappingFromRow, sealedFieldFromRow } from '../vault-rows.js';
import type { ApplicationsTable, Database, Flag } from '../schema.js';
import type { ApplicationRecord, CredentialLookup, MappingRecord, SealedField } from '../vault-types.js';

/** One joined row: the application's columns, then the mapping's (m_*) and one field's (c_*). */
export interface LookupRow extends ApplicationsTable {
  change_version: number | string;
  m_id: string | null;
  m_account: string | null;
  m_external_user: string | null;
  m_enabled: Flag | null;
  m_has_credentials: Flag | null;
  m_created_at: string | null;
  m_updated_at: string | null;
  c_ordinal: number | null;
  c_ciphertext: Buffer | null;
}

export class ApplicationCache {
  readonly #records = new Map<string, ApplicationRecord>();

  fromRow(row: ApplicationsTable): ApplicationRecord {
    const cached = this.#records.get(row.id);
    if (cached && cached.version === row.version) return cached;
    const record = applicationFromRow(row);
    if (this.#records.size > 10_000) this.#records.clear(); // bounded: a cache, not an index
    this.#records.set(row.id, record);
    return record;
  }
}

export function assembleLookup(rows: readonly LookupRow[], cache: ApplicationCache): CredentialLookup | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const mappings = new Map<string, MappingRecord & { fields: SealedField[] }>();
  for (const row of rows) {
    if (row.m_id === null) continue;
    let mapping = mappings.get(row.m_id);
    if (!mapping) {
      const record = mappingFromRow({
        id: row.m_id,
        application_id: row.id,
        account: row.m_account!,
        account_key: '',
        account_unique_key: null,
        external_user: row.m_external_user!,
        external_key: '',
        enabled: row.m_enabled!,
        has_credentials: row.m_has_credentials!,
        created_at: row.m_created_at!,
        updated_at: row.m_updated_at!,
      });
      mapping = { ...record, fields: [] };
      mappings.set(row.m_id, mapping);
    }
    if (row.c_ordinal !== null && row.c_ciphertext !== null) {
      mapping.fields.push(sealedFieldFromRow({ ordinal: row.c_ordinal, ciphertext: row.c_ciphertext }));
    }
  }
  for (const mapping of mappings.values()) mapping.fields.sort((a, b) => a.ordinal - b.ordinal);
  return { changeVersion: versionFromColumn(first.change_version), application: cache.fromRow(first), mappings: [...mappings.values()] };
}

/** The portable version (PostgreSQL, and SQLite when no faster path is given). */
export async function lookupCredentials(
  db: Kysely<Database>,
  cache: ApplicationCache,
  applicationName: string,
  accounts: readonly string[],
): Promise<CredentialLookup | undefined> {
  const keys = accounts.length > 0 ? accounts.map(caseKey) : [''];
  const rows = await db
    .selectFrom('applications as a')
    .leftJoin('mappings as m', (join) => join.onRef('m.application_id', '=', 'a.id').on('m.account_key', 'in', keys))
    .leftJoin('credentials as c', 'c.mapping_id', 'm.id')
    .selectAll('a')
    .select(sql<number | string>`(select version from change_version)`.as('change_version'))
    .select([
      'm.id as m_id',
      'm.account as m_account',
      'm.external_user as m_external_user',
      'm.enabled as m_enabled',
      'm.has_credentials as m_has_credentials',
      'm.created_at as m_created_at',
      'm.updated_at as m_updated_at',
      'c.ordinal as c_ordinal',
      'c.ciphertext as c_ciphertext',
    ])
    .where('a.name_key', '=', caseKey(applicationName))
    .execute();
  return assembleLookup(rows, cache);
}

/** The same query as plain SQL, for the SQLite fast path's prepared statements. */
export function lookupSql(accountCount: number): string {
  const placeholders = Array.from({ length: Math.max(accountCount, 1) }, () => '?').join(', ');
  return `select a.*, (select version from change_version) as change_version, m.id as m_id, m.account as m_account, m.external_user as m_external_user,
      m.enabled as m_enabled, m.has_credentials as m_has_credentials, m.created_at as m_created_at,
      m.updated_at as m_updated_at, c.ordinal as c_ordinal, c.ciphertext as c_ciphertext
    from applications a
    left join mappings m on m.application_id = a.id and m.account_key in (${placeholders})
    left join credentials c on c.mapping_id = m.id
    where a.name_key = ?`;
}
