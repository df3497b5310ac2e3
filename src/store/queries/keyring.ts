/**
 * The keyring compare-and-swap, alone (swapKeyring) or with the data keys (rotateKeyring), and
 * the one way a data key enters the store (insertDataKey). Together they keep the rule that no
 * data key is ever wrapped by a master secret the vault's keyring no longer holds.
 */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import { vaultFromRow } from '../rows.js';
import type { Database, DialectKind } from '../schema.js';
import type { KeyringUpdate, VaultRecord } from '../types.js';
import { dataKeyFromRow } from '../vault-rows.js';
import type { DataKeyRecord, KeyringRotation } from '../vault-types.js';

export async function swapKeyring(db: Kysely<Database>, location: string, expectedGeneration: number, update: KeyringUpdate): Promise<VaultRecord> {
  // One statement, so the check and the write cannot be split by another writer.
  const row = await db
    .updateTable('vault')
    .set((eb) => ({ ...keyringColumns(update), generation: eb('generation', '+', 1) }))
    .where('generation', '=', expectedGeneration)
    .returningAll()
    .executeTakeFirst();
  if (row !== undefined) return vaultFromRow(row);
  throw await swapRefused(db, location);
}

export async function rotateKeyring(
  db: Kysely<Database>,
  location: string,
  expectedGeneration: number,
  rotate: (dataKeys: DataKeyRecord[]) => KeyringRotation | Promise<KeyringRotation>,
): Promise<VaultRecord> {
  return db.transaction().execute(async (trx) => {
    // Claim the row first: a stale generation fails before anything is read, and until this
    // transaction ends no other writer can change the keyring or add a data key (insertDataKey
    // reads this row under a share lock), so the keys listed next are all there are.
    const claimed = await trx
      .updateTable('vault')
      .set((eb) => ({ generation: eb('generation', '+', 1) }))
      .where('generation', '=', expectedGeneration)
      .returning('generation')
      .executeTakeFirst();
    if (claimed === undefined) throw await swapRefused(trx, location);

    const dataKeys = await trx.selectFrom('data_keys').selectAll().orderBy('application_id').orderBy('version').execute();
    const rotation = await rotate(dataKeys.map(dataKeyFromRow));
    for (const key of rotation.rewrapped) {
      // A key whose application was deleted meanwhile matches no row: nothing to re-wrap.
      await trx
        .updateTable('data_keys')
        .set({ msid: key.msid, wrapped: key.wrapped })
        .where('application_id', '=', key.applicationId)
        .where('version', '=', key.version)
        .execute();
    }
    await refuseStrandedKeys(trx, rotation);
    const row = await trx.updateTable('vault').set(keyringColumns(rotation.keyring)).returningAll().executeTakeFirstOrThrow();
    return vaultFromRow(row);
  });
}

/**
 * Inserts an application's data key (inside the caller's transaction) only while the master
 * secret wrapping it is the vault's current or previous one: a rotation keeps both, and re-wraps
 * every key it can see. A key wrapped under a keyring read before two rotations would name a
 * secret already dropped, so it is refused here instead of being stranded.
 */
export async function insertDataKey(trx: Kysely<Database>, kind: DialectKind, key: DataKeyRecord): Promise<void> {
  const select = trx.selectFrom('vault').select(['current_msid', 'previous_msid']);
  // PostgreSQL: the share lock waits for a rotation in progress and holds the next one off
  // until this transaction ends. SQLite transactions already hold the write lock (BEGIN IMMEDIATE).
  const vault = await (kind === 'postgres' ? select.forShare() : select).executeTakeFirst();
  // Without a vault there is no keyring a key could be stranded from.
  if (vault !== undefined && key.msid !== vault.current_msid && key.msid !== vault.previous_msid) {
    throw fail(
      'KEYRING_CHANGED',
      `the data key of application ${key.applicationId} is wrapped by master secret ${key.msid}, which the vault's keyring ` +
        `no longer holds (the master secret was rotated meanwhile): nothing was stored; retry the operation`,
    );
  }
  await trx
    .insertInto('data_keys')
    .values({ application_id: key.applicationId, version: key.version, msid: key.msid, wrapped: key.wrapped, created_at: key.createdAt })
    .execute();
}

/** INVALID_QUERY when a data key would be left wrapped by a master secret the new keyring drops. */
async function refuseStrandedKeys(trx: Kysely<Database>, rotation: KeyringRotation): Promise<void> {
  if (!rotation.msids.includes(rotation.keyring.currentMsid)) {
    throw fail('INVALID_QUERY', `the MSIDs of the new keyring do not include its current one, ${rotation.keyring.currentMsid}`);
  }
  const stranded = await trx
    .selectFrom('data_keys')
    .select(['application_id', 'msid'])
    .where('msid', 'not in', [...rotation.msids])
    .execute();
  if (stranded.length === 0) return;
  const msids = [...new Set(stranded.map((row) => row.msid))];
  throw fail(
    'INVALID_QUERY',
    `the new keyring drops master secret ${msids.join(', ')}, which still wraps the data key of ` +
      `${stranded.length === 1 ? `application ${stranded[0]!.application_id}` : `${stranded.length} applications`}: nothing was changed`,
  );
}

function keyringColumns(update: KeyringUpdate) {
  return {
    vault_id: update.vaultId,
    sealed_keyring: update.sealedKeyring,
    current_msid: update.currentMsid,
    previous_msid: update.previousMsid,
    updated_at: update.updatedAt,
  };
}

/** Why a compare-and-swap matched no row: there is no vault, or another writer moved it on. */
async function swapRefused(db: Kysely<Database>, location: string): Promise<Error> {
  if ((await db.selectFrom('vault').select('singleton').executeTakeFirst()) === undefined) {
    return fail('NO_VAULT', `there is no vault in this database (${location})`);
  }
  return fail('KEYRING_CHANGED', 'the keyring was changed by another writer since it was read: retry the operation');
}
