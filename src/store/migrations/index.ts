/**
 * Runs the versioned migrations on open. The list is static, not globbed from disk,
 * because the code runs compiled from dist/. Never rename or reorder an entry: kysely
 * records each applied name and refuses a history that no longer matches.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import { fail } from '../../errors/index.js';
import type { Database, DialectKind } from '../schema.js';
import { vaultMigration } from './001-vault.js';
import { backupsMigration } from './002-backups.js';
import { eventsMigration } from './003-events.js';
import { globalInfoMigration } from './004-global-info.js';
import { applicationsMigration } from './005-applications.js';
import { mappingsMigration } from './006-mappings.js';
import { configAndTicketsMigration } from './007-config-and-tickets.js';
import { nameKeysMigration } from './008-name-keys.js';
import { apiTokensMigration } from './009-api-tokens.js';
import { changeVersionMigration } from './010-change-version.js';
import { ssoSwitchMigration } from './011-sso-switch.js';

function migrations(kind: DialectKind): Record<string, Migration> {
  return {
    '001-vault': vaultMigration(kind),
    '002-backups': backupsMigration(kind),
    '003-events': eventsMigration(kind),
    '004-global-info': globalInfoMigration(),
    '005-applications': applicationsMigration(kind),
    '006-mappings': mappingsMigration(kind),
    '007-config-and-tickets': configAndTicketsMigration(kind),
    '008-name-keys': nameKeysMigration(),
    '009-api-tokens': apiTokensMigration(kind),
    '010-change-version': changeVersionMigration(kind),
    '011-sso-switch': ssoSwitchMigration(),
  };
}

/**
 * Brings the database to the latest version. Concurrent openers are serialised by the
 * dialect's migration lock (see sqlite/dialect.ts and postgres/dialect.ts).
 * @param tableSchema where kysely keeps its own bookkeeping tables (pg only); the Migrator
 * looks for them through the dialect's introspector, which must read only that schema.
 */
export async function migrateToLatest(db: Kysely<Database>, kind: DialectKind, tableSchema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(kind) },
    ...(tableSchema === undefined ? {} : { migrationTableSchema: tableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    throw fail('STORE_MIGRATION_FAILED', `could not bring the database schema up to date${failed ? ` (migration ${failed})` : ''}: ${detail}`, error);
  }
}
