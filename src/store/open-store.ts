/** Picks the backend named by the config, opens it and brings its schema up to date. */
import { fail } from '../errors/index.js';
import { KyselyStore } from './kysely-store.js';
import { ApplicationCache, lookupCredentials } from './queries/lookup.js';
import { PostgresFastLookup } from './postgres/fast-lookup.js';
import { SqliteFastLookup } from './sqlite/fast-lookup.js';
import { migrateToLatest } from './migrations/index.js';
import { openPostgres } from './postgres/open.js';
import { openSqlite } from './sqlite/open.js';
import type { Store, StoreConfig } from './types.js';

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite': {
      const { db, location, connection } = await openSqlite(config.file);
      const cache = new ApplicationCache();
      const fast = new SqliteFastLookup(connection, cache);
      const store = new KyselyStore(db, 'sqlite', location, {
        cache,
        lookupCredentials: async (name, accounts) => fast.lookupCredentials(name, accounts),
        changeVersion: async () => fast.changeVersion(),
        getVersionedCredentials: async (mappingId) => fast.versionedCredentials(mappingId),
      });
      return migrated(store, () => migrateToLatest(db, 'sqlite'));
    }
    case 'postgres': {
      const { db, location, schema, pool } = await openPostgres(config.url, config.schema);
      const cache = new ApplicationCache();
      const fast = new PostgresFastLookup(pool);
      const store = new KyselyStore(db, 'postgres', location, {
        cache,
        lookupCredentials: (name, accounts) => lookupCredentials(db, cache, name, accounts),
        changeVersion: () => fast.changeVersion(),
        getVersionedCredentials: (mappingId) => fast.versionedCredentials(mappingId),
      });
      // The migration tables live in the store's own schema; the dialect confines kysely's
      // lookup of them (and its migration lock) to that schema (see postgres/dialect.ts).
      return migrated(store, () => migrateToLatest(db, 'postgres', schema));
    }
    default:
      return unknownKind(config);
  }
}

async function migrated(store: Store, migrate: () => Promise<void>): Promise<Store> {
  try {
    await migrate();
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

function unknownKind(config: never): never {
  const kind = (config as { kind?: unknown }).kind;
  throw fail('STORE_CONFIG', `unknown store kind: ${String(kind)} (use sqlite or postgres)`);
}
