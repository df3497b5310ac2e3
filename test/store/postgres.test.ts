/** What only the PostgreSQL backend promises: a confined schema and a credential-free location. */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { describePostgresUrl } from '../../src/store/postgres/location.js';
import { pgUrl, storeTargets, type TestDatabase } from '../support/databases.js';

const postgresTarget = storeTargets.find((target) => target.name === 'postgres')!;

describe('postgres store', () => {
  let database: TestDatabase;
  let schema: string;

  beforeEach(async () => {
    database = await postgresTarget.create();
    if (database.config.kind !== 'postgres' || database.config.schema === undefined) {
      throw new Error('expected a postgres config with a schema');
    }
    schema = database.config.schema;
  });

  afterEach(() => database.cleanup());

  it('creates the schema and keeps every table, migrations included, inside it', async () => {
    const store = await openStore(database.config);
    await store.close();

    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1 order by table_name',
        [schema],
      );
      expect(rows.map((row) => row.table_name).sort()).toEqual([
        'api_tokens',
        'applications',
        'backups',
        'change_version',
        'config_entries',
        'credentials',
        'data_keys',
        'events',
        'global_info',
        'kysely_migration',
        'kysely_migration_lock',
        'mappings',
        'redeemed_tickets',
        'vault',
      ]);
    } finally {
      await client.end();
    }
  });

  it('accepts a schema name that needs quoting', async () => {
    const odd = `${schema} "Odd"; name`;
    const store = await openStore({ kind: 'postgres', url: pgUrl, schema: odd });
    try {
      expect(await store.getVault()).toBeUndefined();
      expect(store.location).toContain(odd);
    } finally {
      await store.close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${pg.escapeIdentifier(odd)} cascade`).finally(() => client.end());
    }
  });

  it('describes its location without credentials', () => {
    const url = 'postgres://tessera:s3cret@db.example:5433/vault?sslmode=require&password=s3cret';
    const location = describePostgresUrl(url, 'tessera');
    expect(location).toBe('postgres://db.example:5433/vault (schema tessera)');
    expect(describePostgresUrl('host=db password=s3cret')).toBe('postgres');
  });
});
