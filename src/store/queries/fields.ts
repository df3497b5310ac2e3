/** Checks on the sealed fields a caller hands the store. */
import { fail } from '../../errors/index.js';
import type { SealedField } from '../vault-types.js';

/** Ordinals must be distinct whole numbers: they are part of each row's primary key. */
export function checkFields(fields: readonly SealedField[]): void {
  const seen = new Set<number>();
  for (const { ordinal } of fields) {
    if (!Number.isSafeInteger(ordinal) || ordinal < 0) {
      throw fail('INVALID_QUERY', `a field ordinal must be a whole number of 0 or more, not ${ordinal}`);
    }
    if (seen.has(ordinal)) throw fail('INVALID_QUERY', `field ${ordinal} is given twice`);
    seen.add(ordinal);
  }
}
