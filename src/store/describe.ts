import { describePostgresUrl } from './postgres/location.js';
import type { StoreConfig } from './types.js';

/**
 * The one way a configured database is shown or logged: the SQLite file's path, or a
 * PostgreSQL URL rebuilt from its host, database and schema only. Rebuilding (rather than
 * blanking what looks like a password) cannot miss a password placed where a pattern does not
 * look: in the query (`?password=`), behind an `@` inside the password, or in a key=value string.
 */
export function describeDatabase(config: StoreConfig): string {
  return config.kind === 'sqlite' ? config.file : describePostgresUrl(config.url, config.schema);
}
