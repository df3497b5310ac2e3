import { describe, expect, it } from 'vitest';
import { describeDatabase } from '../../src/store/index.js';

describe('describeDatabase', () => {
  const postgres = (url: string, schema?: string) => describeDatabase(schema === undefined ? { kind: 'postgres', url } : { kind: 'postgres', url, schema });

  it('shows a SQLite database as its file', () => {
    expect(describeDatabase({ kind: 'sqlite', file: '/var/lib/tessera/tessera.db' })).toBe('/var/lib/tessera/tessera.db');
  });

  it.each([
    ['user and password', 'postgres://tessera:s3cret@db.example:5433/vault', 'postgres://db.example:5433/vault'],
    ['a password in the query', 'postgres://tessera@db.example/vault?sslmode=require&password=s3cret', 'postgres://db.example/vault'],
    ['an @ inside the password', 'postgresql://u:p@ss@db.example/vault', 'postgres://db.example/vault'],
    ['an escaped @ inside the password', 'postgres://u:p%40s3cret@db.example/vault', 'postgres://db.example/vault'],
    ['no host (a socket)', 'postgres:///vault?host=/run/postgresql&password=s3cret', 'postgres://localhost/vault'],
  ])('keeps host and database only, for %s', (_, url, shown) => {
    expect(postgres(url)).toBe(shown);
    expect(postgres(url, 'tessera')).toBe(`${shown} (schema tessera)`);
  });

  it('shows nothing of a key=value connection string', () => {
    expect(postgres('host=db password=s3cret dbname=vault')).toBe('postgres');
  });
});
