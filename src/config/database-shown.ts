import { describeDatabase } from '../store/index.js';
import type { TesseraConfig } from './config.js';

/** The configured database as it may be shown: the SQLite file, or PostgreSQL's host and database (never a user or password). */
export function databaseShown(config: TesseraConfig): string {
  return describeDatabase(config.database);
}
