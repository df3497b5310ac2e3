/** Column definitions shared by the migrations, and the few the two dialects spell differently. */
import { sql, type ColumnDataType, type ColumnDefinitionBuilder } from 'kysely';
import type { DialectKind } from '../schema.js';

/** Opaque bytes: both drivers return a Buffer. */
export function bytesType(kind: DialectKind): ColumnDataType {
  return kind === 'postgres' ? 'bytea' : 'blob';
}

/**
 * An auto-assigned, never reused primary key. pg `integer` comes back as a number,
 * pg `bigint` as a string; SQLite's rowid is 64-bit either way.
 */
export function autoKeyType(kind: DialectKind, width: 'integer' | 'bigint'): ColumnDataType {
  return kind === 'postgres' ? width : 'integer';
}

export function autoKey(kind: DialectKind): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  // SQLite AUTOINCREMENT forbids reusing the key of a deleted newest row.
  return kind === 'postgres' ? (col) => col.primaryKey().generatedAlwaysAsIdentity() : (col) => col.primaryKey().autoIncrement();
}

/** A boolean as a 0/1 integer: the same column type and conversion on both backends. */
export function flagColumn(name: string): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (col) => col.notNull().check(sql`${sql.ref(name)} in (0, 1)`);
}
