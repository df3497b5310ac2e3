/**
 * The Store over kysely: one implementation for SQLite and PostgreSQL. Every statement
 * here is portable SQL (INSERT ... ON CONFLICT, UPDATE ... RETURNING); the dialects
 * differ only in how they are opened and in column types (see migrations/).
 */
import type { Kysely } from 'kysely';
import { fail } from '../errors/index.js';
import { backupFromRow, eventFromRow, vaultFromRow } from './rows.js';
import type { Database } from './schema.js';
import type {
  BackupRecord,
  EventQuery,
  KeyringUpdate,
  NewEvent,
  NewVault,
  Store,
  StoreConfig,
  StoredEvent,
  VaultRecord,
} from './types.js';

const SINGLETON = 1;

export class KyselyStore implements Store {
  readonly kind: StoreConfig['kind'];
  readonly location: string;
  readonly #db: Kysely<Database>;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, kind: StoreConfig['kind'], location: string) {
    this.#db = db;
    this.kind = kind;
    this.location = location;
  }

  async getVault(): Promise<VaultRecord | undefined> {
    const row = await this.#db.selectFrom('vault').selectAll().executeTakeFirst();
    return row === undefined ? undefined : vaultFromRow(row);
  }

  async createVault(vault: NewVault): Promise<VaultRecord> {
    // ON CONFLICT DO NOTHING on the fixed primary key: of two racing creators exactly
    // one inserts, and the other gets no row back instead of a driver-specific error.
    const row = await this.#db
      .insertInto('vault')
      .values({
        singleton: SINGLETON,
        vault_id: vault.vaultId,
        created_at: vault.createdAt,
        created_by: vault.createdBy,
        generation: 1,
        sealed_keyring: vault.sealedKeyring,
        current_msid: vault.currentMsid,
        previous_msid: vault.previousMsid,
        updated_at: vault.createdAt,
      })
      .onConflict((conflict) => conflict.column('singleton').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) {
      throw fail('VAULT_EXISTS', `a vault already exists in this database (${this.location})`,
        { status: 409 },
      );
    }
    return vaultFromRow(row);
  }

  async updateKeyring(expectedGeneration: number, update: KeyringUpdate): Promise<VaultRecord> {
    // One statement, so the check and the write cannot be split by another writer.
    const row = await this.#db
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
    if ((await this.getVault()) === undefined) {
      throw fail('NO_VAULT', `there is no vault in this database (${this.location})`);
    }
    throw fail('KEYRING_CHANGED', 'the keyring was changed by another writer since it was read: retry the operation',
      { status: 409 },
    );
  }

  async recordBackup(record: BackupRecord): Promise<void> {
    await this.#db
      .insertInto('backups')
      .values({
        vault_id: record.vaultId,
        msid: record.msid,
        msids: JSON.stringify(record.msids),
        file: record.file,
        kind: record.kind,
        verified_at: record.verifiedAt,
        client_user: record.clientUser,
      })
      .execute();
  }

  async listBackups(filter: { vaultId?: string; msid?: string } = {}): Promise<BackupRecord[]> {
    let query = this.#db.selectFrom('backups').selectAll();
    if (filter.vaultId !== undefined) query = query.where('vault_id', '=', filter.vaultId);
    if (filter.msid !== undefined) query = query.where('msid', '=', filter.msid);
    // Newest recorded first: the key follows insertion order, whatever the clocks said.
    const rows = await query.orderBy('id', 'desc').execute();
    return rows.map(backupFromRow);
  }

  async appendEvent(event: NewEvent): Promise<StoredEvent> {
    const row = await this.#db
      .insertInto('events')
      .values({
        id: event.id,
        symbol: event.symbol,
        severity: event.severity,
        time: event.time,
        params: JSON.stringify(event.params),
        message: event.message,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return eventFromRow(row);
  }

  async listEvents(query: EventQuery = {}): Promise<StoredEvent[]> {
    let select = this.#db.selectFrom('events').selectAll();
    if (query.id !== undefined) select = select.where('id', '=', query.id);
    // ISO 8601 UTC strings of one format (Date#toISOString) order as text on both backends.
    if (query.since !== undefined) select = select.where('time', '>=', query.since);
    if (query.limit === undefined) {
      return (await select.orderBy('seq', 'asc').execute()).map(eventFromRow);
    }
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
      throw fail('INVALID_QUERY', 'the event limit must be a whole number of 0 or more');
    }
    // The newest N, handed back oldest first like the unlimited list.
    const newest = await select.orderBy('seq', 'desc').limit(query.limit).execute();
    return newest.reverse().map(eventFromRow);
  }

  close(): Promise<void> {
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }
}
