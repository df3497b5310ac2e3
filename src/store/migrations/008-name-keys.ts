/**
 * Names were keyed by toLowerCase(), which made U+212A KELVIN SIGN + "ate" the key of "kate";
 * they are now keyed as Windows compares account names (vault/account-name.ts, docs/names.md).
 * This recomputes every stored key: application names, mapping accounts and external users,
 * config identifiers. The new rule tells apart what the old one did, with one exception (a
 * final sigma, which toLowerCase spelled apart and Windows does not): such a pair stops the
 * migration, naming both rows, rather than breaking a unique index half-way.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { nameKey } from '../../vault/account-name.js';

/** Keys hold no U+0001 (names refuse control characters), so no key meets a temporary one. */
const TEMPORARY = '\u0001rekey:';

type Value = string | null;

export function nameKeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await rekeyApplications(db);
      await rekeyMappings(db);
      await rekeyConfigEntries(db);
    },
  };
}

async function rekeyApplications(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; name: string }>`select id, name from applications`.execute(db);
  refuseClashes(
    'applications',
    rows.map((row) => [nameKey(row.name), row.name]),
  );
  // Two steps: first a key unique per row, so that no new key meets an old one mid-way.
  await sql`update applications set name_key = ${TEMPORARY} || id`.execute(db);
  await setColumns(
    db,
    'applications',
    ['id'],
    ['name_key'],
    rows.map((row) => [row.id, nameKey(row.name)]),
  );
}

async function rekeyMappings(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; application_id: string; account: string; account_unique_key: Value; external_user: string }>`
    select id, application_id, account, account_unique_key, external_user from mappings`.execute(db);
  refuseClashes(
    'mapped accounts',
    rows.filter((row) => row.account_unique_key !== null).map((row) => [`${row.application_id} ${nameKey(row.account)}`, row.account]),
  );
  refuseClashes(
    'external users',
    rows.map((row) => [`${row.application_id} ${nameKey(row.external_user)}`, row.external_user]),
  );
  await sql`
    update mappings set account_key = ${TEMPORARY} || id, external_key = ${TEMPORARY} || id,
      account_unique_key = case when account_unique_key is null then null else ${TEMPORARY} || id end`.execute(db);
  await setColumns(
    db,
    'mappings',
    ['id'],
    ['account_key', 'account_unique_key', 'external_key'],
    rows.map((row) => {
      const account = nameKey(row.account);
      // Host group mappings share one account and keep a NULL unique key.
      return [row.id, account, row.account_unique_key === null ? null : account, nameKey(row.external_user)];
    }),
  );
}

async function rekeyConfigEntries(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ application_id: string; identifier: string; identifier_key: string }>`
    select distinct application_id, identifier, identifier_key from config_entries`.execute(db);
  refuseClashes(
    'config identifiers',
    rows.map((row) => [`${row.application_id} ${nameKey(row.identifier)}`, row.identifier]),
  );
  await sql`update config_entries set identifier_key = ${TEMPORARY} || identifier_key`.execute(db);
  await setColumns(
    db,
    'config_entries',
    ['application_id', 'identifier_key'],
    ['identifier_key'],
    rows.map((row) => [row.application_id, TEMPORARY + row.identifier_key, nameKey(row.identifier)]),
  );
}

/** Two names that the new rule makes one: the operator decides which to keep. */
function refuseClashes(what: string, keyed: ReadonlyArray<readonly [key: string, name: string]>): void {
  const seen = new Map<string, string>();
  for (const [key, name] of keyed) {
    const other = seen.get(key);
    if (other !== undefined) {
      throw new Error(
        `${what} "${other}" and "${name}" now compare equal, as Windows compares names: rename or delete one of them with the previous Tessera version, then start again`,
      );
    }
    seen.set(key, name);
  }
}

/**
 * Sets `set` columns of the rows matched by `match` columns, from rows of [...match, ...set]
 * values, a few hundred per statement (one round trip each, far below both drivers' parameter limits).
 */
async function setColumns(
  db: Kysely<unknown>,
  table: string,
  match: readonly string[],
  set: readonly string[],
  rows: ReadonlyArray<readonly Value[]>,
): Promise<void> {
  const names = [...match.map((_, i) => `m${i}`), ...set.map((_, i) => `s${i}`)];
  const matches = match.map((column, i) => `v.m${i} = ${table}.${column}`).join(' and ');
  const assignments = set.map((column, i) => `${column} = (select v.s${i} from v where ${matches})`).join(', ');
  const perStatement = Math.floor(900 / names.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const values = rows.slice(start, start + perStatement).map((row) => sql`(${sql.join(row.map((value) => sql`cast(${value} as text)`))})`);
    await sql`
      with v(${sql.raw(names.join(', '))}) as (values ${sql.join(values)})
      update ${sql.raw(table)} set ${sql.raw(assignments)}
      where exists (select 1 from v where ${sql.raw(matches)})`.execute(db);
  }
}
