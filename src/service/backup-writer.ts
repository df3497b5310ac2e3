import { timingSafeEqual } from 'node:crypto';
import {
  type Keyring,
  allSecrets,
  checkBackupPassword,
  checkReminder,
  checkWritableTarget,
  deriveKeysForNewBackup,
  disposeBackupKeys,
  disposeKeyring,
  encryptBackup,
  findSecret,
  openBackup,
  parseBackup,
  writeFileAtomically,
} from '../keys/index.js';
import { fail } from '../errors/index.js';
import { textProblem } from '../vault/index.js';
import type { PasswordPrompt, Principal, SecretServiceDeps } from './deps.js';

export interface BackupTarget {
  /** Absolute path of the backup file. */
  file: string;
  /**
   * A backup handed to an HTTP caller (a download): written and verified in a private scratch
   * file, but not recorded as a verified backup, since only the caller knows it was kept; the
   * caller verifies its copy (POST /v1/secret/verify) to clear the 10589 reminder.
   */
  download?: boolean;
  /** Replace an existing file (only once the new one is verified). */
  force: boolean;
  reminder: string | null;
  password: PasswordPrompt;
}

/** Checks that need no password, so a bad path fails before the user types anything. */
export async function precheckBackup(target: BackupTarget): Promise<void> {
  if (target.reminder !== null) {
    checkReminder(target.reminder);
    // Shown in clear on every restore: nothing in it may act on the terminal.
    const problem = textProblem(target.reminder, 'text');
    if (problem) throw fail('TEXT_INVALID', `the reminder ${problem}`);
  }
  await checkWritableTarget(target.file, target.force);
}

/**
 * Writes `keyring` to a password-protected file atomically, then proves the file on disk
 * decrypts to the same keyring with the same password-derived key (no second KDF run).
 */
export async function writeVerifiedBackup(
  deps: Pick<SecretServiceDeps, 'kdf' | 'now' | 'writer' | 'step'>,
  keyring: Keyring,
  target: BackupTarget,
  principal: Principal,
): Promise<void> {
  const password = await target.password();
  checkBackupPassword(password, target.reminder);
  const keys = await deriveKeysForNewBackup(password, deps.kdf);
  try {
    const bytes = encryptBackup(keyring, keys, {
      reminder: target.reminder,
      createdBy: principal.name,
      now: deps.now(),
      writer: deps.writer,
    });
    await writeFileAtomically(target.file, bytes, {
      overwrite: target.force,
      stepPrefix: 'backup',
      ...(deps.step ? { step: deps.step } : {}),
      verify: async (readBack) => {
        const restored = openBackup(parseBackup(readBack, target.file), keys, target.file);
        try {
          if (!sameSecrets(restored, keyring)) throw fail('BACKUP_VERIFY_FAILED', `${target.file} read back does not hold the secrets written`);
        } finally {
          disposeKeyring(restored);
        }
      },
    });
  } finally {
    disposeBackupKeys(keys);
  }
}

export function sameSecrets(a: Keyring, b: Keyring): boolean {
  const left = allSecrets(a);
  const right = allSecrets(b);
  return (
    a.vaultId === b.vaultId &&
    left.length === right.length &&
    left.every((secret, index) => secret.msid === right[index]!.msid && sameKey(secret.key, right[index]!.key))
  );
}

/** The first MSID both keyrings hold with different keys: then they do not share a history. */
export function mismatchedMsid(vault: Keyring, backup: Keyring): string | undefined {
  for (const secret of allSecrets(backup)) {
    const mine = findSecret(vault, secret.msid);
    if (mine && !sameKey(mine.key, secret.key)) return secret.msid;
  }
  return undefined;
}

/** Constant-time comparison of two keys. */
export function sameKey(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
