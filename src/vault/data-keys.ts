import { randomBytes } from 'node:crypto';
import { fail } from '../errors/index.js';
import { type Keyring, type MasterSecret, KEY_BYTES, envelopeKeyId, findSecret, openEnvelope, sealEnvelope } from '../keys/index.js';
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
  const msid = envelopeKeyId(record.wrapped);
  const master = msid === undefined || msid !== record.msid ? undefined : findSecret(keyring, msid);
  if (!master) {
    throw fail(
      'DECRYPTION_FAILED',
      `the data key of application ${record.applicationId} is wrapped by master secret ${record.msid}, which the keyring does not hold: restore a backup that holds it`,
    );
  }
  return { applicationId: record.applicationId, version: record.version, key: openEnvelope(master.key, record.wrapped, dataKeyAad(record.applicationId, record.version)) };
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
