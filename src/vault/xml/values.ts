/** How ENTSSO files spell values: yes/no switches, whole numbers, lists of accounts. */

const YES = new Set(['yes', 'true', '1']);
const NO = new Set(['no', 'false', '0']);

/** yes/no, true/false or 1/0 in any case; undefined for anything else. */
export function parseYesNo(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  return YES.has(value) ? true : NO.has(value) ? false : undefined;
}

export const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

export const YES_NO_FIX = 'write yes or no (true/false and 1/0 work too)';

/** Digits only (no sign, no fraction), within JavaScript's safe integers. */
export function parseWholeNumber(raw: string): number | undefined {
  const value = raw.trim();
  if (!/^[0-9]+$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * The accounts of one element. ENTSSO does not document how several accounts share an element,
 * so both ';' and ',' separate them (account names cannot hold either); empty entries are skipped.
 */
export function splitAccounts(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((account) => account.trim())
    .filter((account) => account !== '');
}
