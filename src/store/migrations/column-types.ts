/** The few column definitions the two dialects spell differently. */
import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';
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
  return kind === 'postgres'
    ? (col) => col.primaryKey().generatedAlwaysAsIdentity()
    : (col) => col.primaryKey().autoIncrement();
}
