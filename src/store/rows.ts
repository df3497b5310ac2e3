/** Conversions between the store's records and table rows, identical for both backends. */
import type { Selectable } from 'kysely';
import type { BackupsTable, EventsTable, VaultTable } from './schema.js';
import type { BackupRecord, StoredEvent, VaultRecord } from './types.js';

export function vaultFromRow(row: Selectable<VaultTable>): VaultRecord {
  return {
    vaultId: row.vault_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    generation: Number(row.generation),
    sealedKeyring: toBuffer(row.sealed_keyring),
    currentMsid: row.current_msid,
    previousMsid: row.previous_msid,
    updatedAt: row.updated_at,
  };
}

export function backupFromRow(row: Selectable<BackupsTable>): BackupRecord {
  return {
    vaultId: row.vault_id,
    msid: row.msid,
    msids: JSON.parse(row.msids) as string[],
    file: row.file,
    kind: row.kind,
    verifiedAt: row.verified_at,
    clientUser: row.client_user,
  };
}

export function eventFromRow(row: Selectable<EventsTable>): StoredEvent {
  return {
    seq: Number(row.seq), // pg returns bigint as a string
    id: row.id,
    symbol: row.symbol,
    severity: row.severity,
    time: row.time,
    params: JSON.parse(row.params) as Record<string, string>,
    message: row.message,
  };
}

/** Both drivers return a Buffer already; this guards the type if one ever returns a Uint8Array. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
