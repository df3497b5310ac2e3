import { describeEvent, isEventId } from '../events/index.js';
import { explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import { type Keyring, allSecrets, disposeKeyring, findSecret, unsealKeyring } from '../keys/index.js';
import { sameKey } from './backup-writer.js';
import type { Principal, SecretServiceDeps } from './deps.js';
import { requireSsoAdmin } from './authorize.js';
import { osUserOf } from './principal.js';
import { type BackupSource, readBackup } from './secret-restore.js';

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
    if (vault && deps.seal.exists()) compareWithVault(deps, vault.sealedKeyring, vault.vaultId, keyring);
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
    const id = failure.eventId;
    if (id !== undefined && isEventId(id) && describeEvent(id).params.length === 0) {
      await deps.events.emit(id, {} as never, failure.message);
    }
    throw failure;
  } finally {
    disposeKeyring(keyring);
  }
}

function compareWithVault(deps: SecretServiceDeps, sealed: Buffer, vaultId: string, backup: Keyring): void {
  const seal = deps.seal.open();
  let current: Keyring | undefined;
  try {
    current = unsealKeyring(seal, sealed, vaultId);
  } catch (error) {
    // This node cannot unseal its own keyring; the file still decrypted, which is what verify proves.
    if (isTesseraError(error, 'DECRYPTION_FAILED')) return;
    throw error;
  } finally {
    seal.dispose();
  }
  try {
    for (const secret of allSecrets(backup)) {
      const mine = findSecret(current, secret.msid);
      if (mine && !sameKey(mine.key, secret.key)) {
        throw fail('SECRET_MISMATCH', `the file holds a different secret under MSID ${secret.msid} than this vault: it is not a backup of this vault`);
      }
    }
  } finally {
    disposeKeyring(current);
  }
}
