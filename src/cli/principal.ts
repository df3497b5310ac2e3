import type { TesseraConfig } from '../config/index.js';
import { fail, isTesseraError } from '../errors/index.js';
import { localPrincipal, type Principal } from '../service/index.js';
import { checkAccount } from '../vault/index.js';

/** `--as ACCOUNT [--groups G1,G2]`: act as another principal to test what it may do. */
export interface ActAs {
  as?: string | undefined;
  groups?: string | undefined;
}

/**
 * The principal a command acts as: the local administrator (the OS user at this server's
 * console), or, with --as, the named account with the given groups and no local rights, so the
 * service decides exactly as it would for that caller. Never from the environment.
 */
export function cliPrincipal(config: TesseraConfig, actAs: ActAs): Principal {
  if (actAs.as === undefined) {
    if (actAs.groups !== undefined) throw fail('INVALID_ARGUMENT', '--groups needs --as ACCOUNT: it names the groups of that account');
    return localPrincipal(config.computerName, config.osUser);
  }
  const name = account('--as', actAs.as);
  const groups = actAs.groups === undefined ? [] : splitAccountList(actAs.groups).map((group) => account('--groups', group));
  return { name, groups, localAdministrator: false };
}

/** Accounts separated by "," or ";" (account names hold neither); empty entries are skipped. */
export function splitAccountList(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function account(flag: string, text: string): string {
  const value = text.trim();
  try {
    checkAccount(value);
  } catch (error) {
    if (isTesseraError(error)) throw fail('INVALID_ARGUMENT', `${flag}: ${error.message}`);
    throw error;
  }
  return value;
}
