import { decryptionFailed, envelopeKeyId, openEnvelope, sealEnvelope } from '../keys/index.js';
import type { SealedField } from '../store/vault-types.js';
import type { UnwrappedDataKey } from './data-keys.js';

/**
 * Credential fields and config values, each its own AES-256-GCM envelope whose associated data
 * names the application, the mapping (or config identifier) and the field: a ciphertext copied
 * to another row, field or application does not decrypt.
 */
export type FieldOwner = { kind: 'credential'; mappingId: string } | { kind: 'config'; identifier: string };

function fieldAad(applicationId: string, owner: FieldOwner, ordinal: number): Buffer {
  const where = owner.kind === 'credential' ? `mapping=${owner.mappingId}` : `config=${owner.identifier.toLowerCase()}`;
  return Buffer.from(`tessera/${owner.kind}/v1/app=${applicationId}/${where}/field=${ordinal}`, 'utf8');
}

const keyIdOf = (dataKey: UnwrappedDataKey) => `dk:${dataKey.version}`;

export function sealFields(dataKey: UnwrappedDataKey, owner: FieldOwner, values: ReadonlyMap<number, string>): SealedField[] {
  return [...values].map(([ordinal, value]) => ({
    ordinal,
    ciphertext: sealEnvelope(dataKey.key, keyIdOf(dataKey), Buffer.from(value, 'utf8'), fieldAad(dataKey.applicationId, owner, ordinal)),
  }));
}

/** `dk:` and a version without sign, exponent or leading zero: the only key ids sealFields writes. */
const DATA_KEY_ID = /^dk:([1-9][0-9]{0,8})$/;

/** The data key version a sealed field names, so the caller can fetch that version. */
export function fieldKeyVersion(field: SealedField): number {
  const match = DATA_KEY_ID.exec(envelopeKeyId(field.ciphertext) ?? '');
  // Malformed: the one decryption error, like every other failure to open a value.
  if (!match) throw decryptionFailed();
  return Number(match[1]);
}

export function openFields(dataKey: UnwrappedDataKey, owner: FieldOwner, fields: readonly SealedField[]): Map<number, string> {
  const values = new Map<number, string>();
  for (const field of fields) {
    if (fieldKeyVersion(field) !== dataKey.version) throw decryptionFailed();
    const plaintext = openEnvelope(dataKey.key, field.ciphertext, fieldAad(dataKey.applicationId, owner, field.ordinal));
    values.set(field.ordinal, plaintext.toString('utf8'));
    plaintext.fill(0);
  }
  return values;
}

/** As openFields, but the plaintexts stay bytes: the caller owns them and zeroes them when done. */
export function openFieldBytes(dataKey: UnwrappedDataKey, owner: FieldOwner, fields: readonly SealedField[]): Map<number, Buffer> {
  const values = new Map<number, Buffer>();
  try {
    for (const field of fields) {
      if (fieldKeyVersion(field) !== dataKey.version) throw decryptionFailed();
      values.set(field.ordinal, openEnvelope(dataKey.key, field.ciphertext, fieldAad(dataKey.applicationId, owner, field.ordinal)));
    }
    return values;
  } catch (error) {
    for (const plaintext of values.values()) plaintext.fill(0);
    throw error;
  }
}
