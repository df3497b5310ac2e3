/**
 * kysely's PostgresDialect confined to the store's own schema, so that opening the store
 * depends on nothing else in the database:
 *
 * - Introspection reads only that schema. kysely's Migrator asks the introspector whether its
 *   tables exist, and the stock one reads every schema in the database through name-based
 *   functions (has_schema_privilege, pg_get_serial_sequence): a schema that another session
 *   drops during that query fails it with 3F000 "schema ... does not exist".
 * - The migration lock is keyed on the schema. kysely's is one advisory lock for the whole
 *   database, so a migration in any other schema would hold up this store's start.
 */
import {
  PostgresAdapter,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type DialectAdapter,
  type Kysely,
  type PostgresDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

/** The first half of Tessera's two-key advisory locks; the second is the schema's hash. */
const MIGRATION_LOCK_CLASS = 0x7e55e7a;
/** kysely's own bound on waiting for the migration lock. */
const LOCK_TIMEOUT_MS = 60 * 60 * 1000;
const KYSELY_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

export class SchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createAdapter(): DialectAdapter {
    return new SchemaLockAdapter(this.#schema);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.#schema);
  }
}

class SchemaLockAdapter extends PostgresAdapter {
  readonly #schema: string;

  constructor(schema: string) {
    super();
    this.#schema = schema;
  }

  // Session-level like kysely's: a process that dies mid-migration releases it on disconnect.
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`
      with bound as (select set_config('lock_timeout', ${String(LOCK_TIMEOUT_MS)}, true))
      select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(${this.#schema})) from bound`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(${this.#schema}))`.execute(db);
  }
}

interface ColumnRow {
  table: string;
  kind: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  type: string;
  type_schema: string;
  comment: string | null;
  auto_incrementing: boolean;
}

class SchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schema: string;

  constructor(db: Kysely<unknown>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace where nspname = ${this.#schema}`.execute(this.#db);
    return rows;
  }

  /** Tables and views of the schema. Every function below takes an oid, never a name. */
  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, c.relkind as kind, a.attname as column,
             a.attnotnull as not_null, a.atthasdef as has_default,
             t.typname as type, tn.nspname as type_schema,
             col_description(c.oid, a.attnum) as comment,
             (a.attidentity <> '' or coalesce(pg_get_expr(d.adbin, d.adrelid) like 'nextval(%', false)) as auto_incrementing
        from pg_catalog.pg_namespace n
        join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'v', 'p')
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_catalog.pg_type t on t.oid = a.atttypid
        join pg_catalog.pg_namespace tn on tn.oid = t.typnamespace
        left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
       where n.nspname = ${this.#schema}
       order by c.relname, a.attnum`.execute(this.#db);
    return tablesOf(rows, this.#schema).filter((table) => options.withInternalKyselyTables || !KYSELY_TABLES.has(table.name));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

function tablesOf(rows: ColumnRow[], schema: string): TableMetadata[] {
  const tables = new Map<string, TableMetadata>();
  for (const row of rows) {
    let table = tables.get(row.table);
    if (table === undefined) {
      table = { name: row.table, schema, isView: row.kind === 'v', columns: [] };
      tables.set(row.table, table);
    }
    table.columns.push({
      name: row.column,
      dataType: row.type,
      dataTypeSchema: row.type_schema,
      isNullable: !row.not_null,
      hasDefaultValue: row.has_default,
      isAutoIncrementing: row.auto_incrementing,
      ...(row.comment === null ? {} : { comment: row.comment }),
    });
  }
  return [...tables.values()];
}
