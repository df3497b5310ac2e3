/** The keyring compare-and-swap, alone (updateKeyring) or with the data keys (rotateKeyring). */
import type { Kysely } from 'kysely';
import { fail } from '../../errors/index.js';
import { vaultFromRow } from '../rows.js';
import type { Database } from '../schema.js';
import type { KeyringUpdate, VaultRecord } from '../types.js';
import type { DataKeyRecord } from '../vault-types.js';

export async function swapKeyring(
  db: Kysely<Database>,
  location: string,
  expectedGeneration: number,
  update: KeyringUpdate,
): Promise<VaultRecord> {
  // One statement, so the check and the write cannot be split by another writer.
  const row = await db
    .updateTable('vault')
    .set((eb) => ({
      vault_id: update.vaultId,
      sealed_keyring: update.sealedKeyring,
      current_msid: update.currentMsid,
      previous_msid: update.previousMsid,
      updated_at: update.updatedAt,
      generation: eb('generation', '+', 1),
    }))
    .where('generation', '=', expectedGeneration)
    .returningAll()
    .executeTakeFirst();
  if (row !== undefined) return vaultFromRow(row);
  if ((await db.selectFrom('vault').select('singleton').executeTakeFirst()) === undefined) {
    throw fail('NO_VAULT', `there is no vault in this database (${location})`);
  }
  throw fail('KEYRING_CHANGED', 'the keyring was changed by another writer since it was read: retry the operation');
}

export async function rotateKeyring(
  db: Kysely<Database>,
  location: string,
  expectedGeneration: number,
  update: KeyringUpdate,
  rewrapped: DataKeyRecord[],
): Promise<VaultRecord> {
  // The swap goes first: a stale generation throws before any data key is touched, and the
  // throw rolls the transaction back either way.
  return db.transaction().execute(async (trx) => {
    const vault = await swapKeyring(trx, location, expectedGeneration, update);
    for (const key of rewrapped) {
      // A key whose application was deleted meanwhile matches no row: nothing to re-wrap.
      await trx
        .updateTable('data_keys')
        .set({ msid: key.msid, wrapped: key.wrapped })
        .where('application_id', '=', key.applicationId)
        .where('version', '=', key.version)
        .execute();
    }
    return vault;
  });
}
