/**
 * Rules that reading and writing share, so that every file Tessera writes reads back the same.
 * Each returns what is wrong, or undefined.
 */
import { APPLICATION_NAME_RULE, applicationNameProblem as nameRuleProblem, LIMITS } from '../application-rules.js';
import { type TextKind, textProblem } from '../text-rules.js';

export const TICKET_MINUTES: Readonly<{ min: number; max: number }> = LIMITS.ticketMinutes;

export function applicationNameProblem(name: string): string | undefined {
  if (name === '') return 'the application name is empty';
  const problem = nameRuleProblem(name);
  return problem === undefined ? undefined : `the application name "${name}" is not valid (${problem}): ${APPLICATION_NAME_RULE}`;
}

/** What an account must be to survive `splitAccounts`. */
export function accountProblem(account: string): string | undefined {
  if (account.trim() === '') return 'an account name is empty';
  if (/[;,]/.test(account)) return `the account "${account}" has a ";" or ",", which separate accounts in ENTSSO files`;
  if (account.trim() !== account) return `the account "${account}" starts or ends with white space`;
  return undefined;
}

/** What the vault's text rules (text-rules.ts) say of a value of at most `max` characters, worded after `what`. */
export function valueProblem(what: string, value: string, kind: TextKind, max: number): string | undefined {
  if (value.length > max) return `${what} has ${value.length} characters, and may have at most ${max}`;
  const problem = textProblem(value, kind);
  return problem === undefined ? undefined : `${what} ${kind === 'name' ? `"${value}" ` : ''}${problem}`;
}

export function ticketMinutesProblem(minutes: number): string | undefined {
  const { min, max } = TICKET_MINUTES;
  if (Number.isSafeInteger(minutes) && minutes >= min && minutes <= max) return undefined;
  return `a ticket lifetime is a whole number of minutes from ${min} to ${max}, not ${minutes}`;
}
