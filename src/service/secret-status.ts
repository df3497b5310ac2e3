import { type SecretFacts, disposeKeyring, keyringFacts } from '../keys/index.js';
import type { BackupRecord } from '../store/index.js';
import type { SecretServiceDeps } from './deps.js';
import { openKeyring, requireVault } from './vault-keyring.js';

export interface SecretStatus {
  vaultId: string;
  store: string;
  seal: string;
  currentMsid: string;
  previousMsid: string | null;
  current: SecretFacts;
  previous: SecretFacts[];
  /** True while the current master secret has no verified backup. */
  backupRequired: boolean;
  /** Verified backups of this vault, newest first; `coversCurrent` marks those holding the current secret. */
  backups: Array<BackupRecord & { coversCurrent: boolean }>;
}

export async function secretStatus(deps: SecretServiceDeps): Promise<SecretStatus> {
  const { vault, keyring, seal } = await openKeyring(deps);
  try {
    const facts = keyringFacts(keyring);
    const backups = (await deps.store.listBackups({ vaultId: vault.vaultId })).map((backup) => ({
      ...backup,
      coversCurrent: backup.msids.includes(vault.currentMsid),
    }));
    return {
      vaultId: vault.vaultId,
      store: deps.store.location,
      seal: deps.seal.description,
      currentMsid: facts.current.msid,
      previousMsid: facts.previous[0]?.msid ?? null,
      current: facts.current,
      previous: facts.previous,
      backupRequired: !backups.some((backup) => backup.coversCurrent),
      backups,
    };
  } finally {
    disposeKeyring(keyring);
    seal.dispose();
  }
}

export const BACKUP_REMINDER_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Emits 10589 while the current master secret has no verified backup: always when `atStart`,
 * otherwise once a day (counted from the last 10589 in the store, so restarts do not reset it).
 * Returns whether it emitted.
 */
export async function remindBackupIfNeeded(deps: SecretServiceDeps, options: { atStart: boolean }): Promise<boolean> {
  const vault = await requireVault(deps);
  const covered = (await deps.store.listBackups({ vaultId: vault.vaultId })).some((b) => b.msids.includes(vault.currentMsid));
  if (covered) return false;
  if (!options.atStart) {
    const [last] = await deps.store.listEvents({ id: 10589, limit: 1 });
    if (last && deps.now().getTime() - Date.parse(last.time) < BACKUP_REMINDER_INTERVAL_MS) return false;
  }
  await deps.events.emit(
    10589,
    {},
    `The current master secret ${vault.currentMsid} of vault ${vault.vaultId} has no verified backup: if this server's ` +
      'seal key or database is lost, every stored credential is lost with it. Run "tessera secret backup FILE" now ' +
      'and keep the file and its password apart from this server.',
  );
  return true;
}
