/** A description of a PostgreSQL connection URL that is safe to show: no user, password or options. */
export function describePostgresUrl(url: string, schema?: string): string {
  const suffix = schema === undefined ? '' : ` (schema ${schema})`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL (e.g. a key=value string): showing any of it could show a password.
    return `postgres${suffix}`;
  }
  // Query parameters can carry a password too (?password=...), so only host and database remain.
  const host = parsed.host === '' ? 'localhost' : parsed.host;
  return `postgres://${host}${parsed.pathname}${suffix}`;
}
