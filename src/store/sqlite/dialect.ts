/**
 * kysely's SqliteDialect with two changes that make concurrent processes safe:
 *
 * - Transactions start with BEGIN IMMEDIATE, taking the write lock up front. A plain
 *   (deferred) BEGIN that reads and then writes fails at once with SQLITE_BUSY when
 *   another process wrote in between; busy_timeout does not help there.
 * - The adapter claims transactional DDL, so kysely's Migrator runs all pending
 *   migrations inside one such transaction. kysely's own SQLite migration lock is a
 *   no-op (it assumes a single process), so without this two processes opening a fresh
 *   file at once both try to create the same tables.
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  // SQLite DDL is transactional; kysely's default of false is only conservative.
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
