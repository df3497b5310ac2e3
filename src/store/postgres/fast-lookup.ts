/**
 * The two reads a cached lookup makes on PostgreSQL, as named statements straight on the pool:
 * each is parsed and planned once per connection, then only bound and executed, where kysely
 * compiles the query and sends an unnamed statement (parse, plan, execute) every time. Explicit
 * columns only, so a column added later cannot invalidate a plan a running process holds.
 */
import type { Pool } from 'pg';
import { type VersionedFieldRow, versionFromColumn, versionedFieldsFromRows } from '../queries/change-version.js';
import type { VersionedFields } from '../vault-types.js';

const CHANGE_VERSION = { name: 'tessera-change-version', text: 'select version from change_version' };
const VERSIONED_FIELDS_TEXT = `select (select version from change_version) as change_version, ordinal, ciphertext
    from credentials where mapping_id = $1 order by ordinal`;

export class PostgresFastLookup {
  constructor(private readonly pool: Pool) {}

  async changeVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>(CHANGE_VERSION);
    return versionFromColumn(rows[0]!.version);
  }

  async versionedCredentials(mappingId: string): Promise<VersionedFields> {
    const { rows } = await this.pool.query<VersionedFieldRow>({ name: 'tessera-versioned-credentials', text: VERSIONED_FIELDS_TEXT, values: [mappingId] });
    return versionedFieldsFromRows(rows) ?? { changeVersion: await this.changeVersion(), fields: [] };
  }
}
