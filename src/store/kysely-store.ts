/**
 * The Store over kysely: one implementation for SQLite and PostgreSQL. Every statement
 * here and in queries/ is portable SQL (INSERT ... ON CONFLICT, UPDATE ... RETURNING); the
 * dialects differ only in how they are opened and in column types (see migrations/).
 */
import type { Kysely } from 'kysely';
import { fail } from '../errors/index.js';
import * as apps from './queries/applications.js';
import * as versions from './queries/change-version.js';
import * as config from './queries/config.js';
import * as globalInfo from './queries/global-info.js';
import { rotateKeyring, swapKeyring } from './queries/keyring.js';
import * as mappings from './queries/mappings.js';
import { ApplicationCache, lookupCredentials } from './queries/lookup.js';
import { TicketRedeemer } from './queries/tickets.js';
import * as tokens from './queries/tokens.js';
import { backupFromRow, eventFromRow, vaultFromRow } from './rows.js';
import type { Database } from './schema.js';
import type {
  ApiTokenRecord,
  BackupRecord,
  EventQuery,
  KeyringUpdate,
  NewApiToken,
  NewEvent,
  NewVault,
  Store,
  StoreConfig,
  StoredEvent,
  VaultRecord,
} from './types.js';
import type {
  ApplicationRecord,
  ApplicationUpdate,
  CredentialLookup,
  DataKeyRecord,
  GlobalInfo,
  KeyringRotation,
  MappingRecord,
  NewApplication,
  NewMapping,
  SealedField,
  VersionedFields,
} from './vault-types.js';

const SINGLETON = 1;

/** The reads every credential lookup makes; SQLite replaces kysely's with prepared statements. */
export interface LookupPath {
  cache: ApplicationCache;
  lookupCredentials(applicationName: string, accounts: readonly string[]): Promise<CredentialLookup | undefined>;
  changeVersion(): Promise<number>;
  getVersionedCredentials(mappingId: string): Promise<VersionedFields>;
}

export class KyselyStore implements Store {
  readonly kind: StoreConfig['kind'];
  readonly location: string;
  readonly #db: Kysely<Database>;
  /** Redemptions share durable commits (group commit). */
  readonly #redeemer: TicketRedeemer;
  #closed: Promise<void> | undefined;

  readonly #lookup: LookupPath;

  /** `lookup` replaces the portable credential lookup with a backend's faster one. */
  constructor(db: Kysely<Database>, kind: StoreConfig['kind'], location: string, lookup?: LookupPath) {
    this.#db = db;
    this.#redeemer = new TicketRedeemer(db);
    this.kind = kind;
    this.location = location;
    const cache = lookup?.cache ?? new ApplicationCache();
    this.#lookup = lookup ?? {
      cache,
      lookupCredentials: (name, accounts) => lookupCredentials(db, cache, name, accounts),
      changeVersion: () => versions.changeVersion(db),
      getVersionedCredentials: (mappingId) => versions.getVersionedCredentials(db, mappingId),
    };
  }

  lookupCredentials(applicationName: string, accounts: readonly string[]): Promise<CredentialLookup | undefined> {
    return this.#lookup.lookupCredentials(applicationName, accounts);
  }

  changeVersion(): Promise<number> {
    return this.#lookup.changeVersion();
  }

  bumpChangeVersion(): Promise<number> {
    return versions.bumpChangeVersion(this.#db);
  }

  getVersionedCredentials(mappingId: string): Promise<VersionedFields> {
    return this.#lookup.getVersionedCredentials(mappingId);
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
      throw fail('VAULT_EXISTS', `a vault already exists in this database (${this.location})`, { status: 409 });
    }
    return vaultFromRow(row);
  }

  updateKeyring(expectedGeneration: number, update: KeyringUpdate): Promise<VaultRecord> {
    return swapKeyring(this.#db, this.location, expectedGeneration, update);
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

  insertToken(token: NewApiToken): Promise<ApiTokenRecord> {
    return tokens.insertToken(this.#db, token);
  }

  getToken(id: string): Promise<ApiTokenRecord | undefined> {
    return tokens.getToken(this.#db, id);
  }

  listTokens(options?: { includeRevoked?: boolean }): Promise<ApiTokenRecord[]> {
    return tokens.listTokens(this.#db, options);
  }

  revokeToken(id: string, at: string, by: string): Promise<boolean> {
    return tokens.revokeToken(this.#db, id, at, by);
  }

  touchToken(id: string, at: string): Promise<void> {
    return tokens.touchToken(this.#db, id, at);
  }

  // The vault proper (VaultStore): one module of queries per concept under queries/.

  getGlobalInfo(): Promise<GlobalInfo> {
    return globalInfo.getGlobalInfo(this.#db);
  }

  updateGlobalInfo(patch: Partial<GlobalInfo>): Promise<GlobalInfo> {
    return globalInfo.updateGlobalInfo(this.#db, patch);
  }

  createApplication(application: NewApplication, firstKey: DataKeyRecord): Promise<ApplicationRecord> {
    return apps.createApplication(this.#db, this.kind, application, firstKey);
  }

  getApplication(name: string): Promise<ApplicationRecord | undefined> {
    return apps.getApplication(this.#db, name);
  }

  getApplicationById(id: string): Promise<ApplicationRecord | undefined> {
    return apps.getApplicationById(this.#db, id);
  }

  listApplications(): Promise<ApplicationRecord[]> {
    return apps.listApplications(this.#db);
  }

  updateApplication(id: string, expectedVersion: number, update: ApplicationUpdate): Promise<ApplicationRecord> {
    return apps.updateApplication(this.#db, id, expectedVersion, update);
  }

  deleteApplication(id: string): Promise<boolean> {
    return apps.deleteApplication(this.#db, id);
  }

  rotateKeyring(expectedGeneration: number, rotate: (dataKeys: DataKeyRecord[]) => KeyringRotation | Promise<KeyringRotation>): Promise<VaultRecord> {
    return rotateKeyring(this.#db, this.location, expectedGeneration, rotate);
  }

  getDataKey(applicationId: string, version?: number): Promise<DataKeyRecord | undefined> {
    return apps.getDataKey(this.#db, applicationId, version);
  }

  listDataKeys(): Promise<DataKeyRecord[]> {
    return apps.listDataKeys(this.#db);
  }

  createMapping(mapping: NewMapping): Promise<MappingRecord> {
    return mappings.createMapping(this.#db, mapping);
  }

  getMapping(applicationId: string, account: string): Promise<MappingRecord | undefined> {
    return mappings.getMapping(this.#db, applicationId, account);
  }

  getMappingByExternalUser(applicationId: string, externalUser: string): Promise<MappingRecord | undefined> {
    return mappings.getMappingByExternalUser(this.#db, applicationId, externalUser);
  }

  listMappings(filter: { applicationId?: string; account?: string }): Promise<MappingRecord[]> {
    return mappings.listMappings(this.#db, filter);
  }

  setMappingEnabled(id: string, enabled: boolean, updatedAt: string): Promise<MappingRecord | undefined> {
    return mappings.setMappingEnabled(this.#db, id, enabled, updatedAt);
  }

  deleteMapping(id: string): Promise<boolean> {
    return mappings.deleteMapping(this.#db, id);
  }

  setCredentials(mappingId: string, fields: SealedField[], updatedAt: string): Promise<void> {
    return mappings.setCredentials(this.#db, mappingId, fields, updatedAt);
  }

  getCredentials(mappingId: string): Promise<SealedField[]> {
    return mappings.getCredentials(this.#db, mappingId);
  }

  setConfig(applicationId: string, identifier: string, fields: SealedField[], updatedAt: string): Promise<void> {
    return config.setConfig(this.#db, applicationId, identifier, fields, updatedAt);
  }

  getConfig(applicationId: string, identifier: string): Promise<SealedField[] | undefined> {
    return config.getConfig(this.#db, applicationId, identifier);
  }

  deleteConfig(applicationId: string, identifier: string): Promise<boolean> {
    return config.deleteConfig(this.#db, applicationId, identifier);
  }

  redeemTicket(ticketId: string, expiresAt: string, now: Date): Promise<boolean> {
    return this.#redeemer.redeem(ticketId, expiresAt, now);
  }

  close(): Promise<void> {
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }
}
