import { randomBytes } from 'node:crypto';
import { fail, isTesseraError } from '../errors/index.js';
import { type Keyring, type MasterSecret, KEY_BYTES, decryptionFailed, envelopeKeyId, findSecret, openEnvelope, sealEnvelope } from '../keys/index.js';
import type { DataKeyRecord } from '../store/vault-types.js';

/**
 * One data key per affiliate application, wrapped by a master secret. Rotating the master
 * secret re-wraps these keys only (O(applications)); credential ciphertexts stay as they are.
 */
function dataKeyAad(applicationId: string, version: number): Buffer {
  return Buffer.from(`tessera/data-key/v1/app=${applicationId}/version=${version}`, 'utf8');
}

export interface UnwrappedDataKey {
  applicationId: string;
  version: number;
  key: Buffer;
}

export function newDataKey(applicationId: string, master: MasterSecret, now: Date): { record: DataKeyRecord; key: UnwrappedDataKey } {
  const key = randomBytes(KEY_BYTES);
  const version = 1;
  return {
    record: {
      applicationId,
      version,
      msid: master.msid,
      wrapped: sealEnvelope(master.key, master.msid, key, dataKeyAad(applicationId, version)),
      createdAt: now.toISOString(),
    },
    key: { applicationId, version, key },
  };
}

/** Unwraps with whichever master secret of the keyring wrapped it; the caller zeroes the key. */
export function unwrapDataKey(record: DataKeyRecord, keyring: Keyring): UnwrappedDataKey {
  // One wording for an envelope naming another secret than its row (altered) and one that fails
  // to open, so the answer does not say which check failed; it names the application, since a
  // rotation handles all of them.
  const damaged = () =>
    fail(
      'DECRYPTION_FAILED',
      `the data key of application ${record.applicationId} could not be decrypted: it was sealed under another key, damaged, or moved from where it was stored`,
    );
  if (envelopeKeyId(record.wrapped) !== record.msid) throw damaged();
  const master = findSecret(keyring, record.msid);
  if (!master) {
    throw fail(
      'DECRYPTION_FAILED',
      `the data key of application ${record.applicationId} is wrapped by master secret ${record.msid}, which the keyring does not hold: restore a backup that holds it`,
    );
  }
  try {
    return {
      applicationId: record.applicationId,
      version: record.version,
      key: openEnvelope(master.key, record.wrapped, dataKeyAad(record.applicationId, record.version)),
    };
  } catch (error) {
    throw isTesseraError(error, 'DECRYPTION_FAILED') ? damaged() : error;
  }
}

/**
 * The data key a stored value names (by its envelope's key id), or the newest when `version` is
 * undefined. A version that does not exist means the value was altered: the one decryption error.
 */
export function requireDataKey(record: DataKeyRecord | undefined, applicationId: string, version: number | undefined): DataKeyRecord {
  if (record) return record;
  if (version !== undefined) throw decryptionFailed();
  throw new Error(`application ${applicationId} has no data key`);
}

/** The same data key, wrapped by `next` instead. */
export function rewrapDataKey(record: DataKeyRecord, keyring: Keyring, next: MasterSecret): DataKeyRecord {
  const { key } = unwrapDataKey(record, keyring);
  try {
    return { ...record, msid: next.msid, wrapped: sealEnvelope(next.key, next.msid, key, dataKeyAad(record.applicationId, record.version)) };
  } finally {
    key.fill(0);
  }
}
