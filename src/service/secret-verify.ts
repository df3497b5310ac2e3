import { explainFileError, fail, withMessage } from '../errors/index.js';
import { type Keyring, allSecrets, disposeKeyring } from '../keys/index.js';
import type { VaultRecord } from '../store/index.js';
import { requireSsoAdmin } from './authorize.js';
import { mismatchedMsid } from './backup-writer.js';
import { emitCataloguedEvent } from './catalogued-event.js';
import type { Principal, SecretServiceDeps } from './deps.js';
import { osUserOf } from './principal.js';
import { type BackupSource, openExistingKeyring, readBackup } from './secret-restore.js';

export interface VerifyResult {
  file: string;
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
  createdAt: string;
  createdBy: string;
  reminder: string | null;
  /** Whether the file holds the vault's current master secret (null: no vault here). */
  coversCurrent: boolean | null;
}

/**
 * `tessera secret verify`: proves in memory that a backup decrypts with its password and
 * holds this vault's secrets, without touching the keyring, and records the result.
 */
export async function verifyBackup(deps: SecretServiceDeps, source: BackupSource, principal: Principal): Promise<VerifyResult> {
  let keyring: Keyring | undefined;
  try {
    const vault = await deps.store.getVault();
    await requireSsoAdmin(deps.store, principal, 'verify master secret backups');
    const backup = await readBackup(source, principal);
    keyring = backup.keyring;
    if (vault && vault.vaultId !== keyring.vaultId) {
      throw fail(
        'FOREIGN_VAULT',
        `the file decrypts, but it is a backup of vault ${keyring.vaultId}, not of this vault ${vault.vaultId}: keep it with that vault's records`,
      );
    }
    if (vault) compareWithVault(deps, vault, keyring);
    const msids = allSecrets(keyring).map((secret) => secret.msid);
    await deps.store.recordBackup({
      vaultId: keyring.vaultId,
      msid: keyring.current.msid,
      msids,
      file: source.file,
      kind: 'verify',
      verifiedAt: deps.now().toISOString(),
      clientUser: principal.name,
    });
    return {
      file: source.file,
      vaultId: keyring.vaultId,
      currentMsid: keyring.current.msid,
      previousMsid: keyring.previous[0]?.msid ?? null,
      msids,
      createdAt: backup.info.createdAt,
      createdBy: backup.info.createdBy,
      reminder: backup.info.reminder,
      coversCurrent: vault ? msids.includes(vault.currentMsid) : null,
    };
  } catch (error) {
    const cause = explainFileError(error, { path: source.file, action: 'read', osUser: osUserOf(principal) });
    const failure = withMessage(cause, `The backup ${source.file} does not verify: ${cause.message}`);
    // An operator must hear of a bad backup: emit the ENTSSO event its failure maps to.
    await emitCataloguedEvent(deps.events, failure.eventId, failure.message);
    throw failure;
  } finally {
    disposeKeyring(keyring);
  }
}

/** SECRET_MISMATCH when the file holds another secret under an MSID the vault knows. */
function compareWithVault(deps: SecretServiceDeps, vault: VaultRecord, backup: Keyring): void {
  // A node that cannot unseal its own keyring cannot compare; the file still decrypted,
  // which is what verify proves.
  const existing = openExistingKeyring(deps, vault);
  try {
    const msid = existing.keyring && mismatchedMsid(existing.keyring, backup);
    if (msid !== undefined) {
      throw fail('SECRET_MISMATCH', `the file holds a different secret under MSID ${msid} than this vault: it is not a backup of this vault`);
    }
  } finally {
    disposeKeyring(existing.keyring);
    existing.seal?.dispose();
  }
}
