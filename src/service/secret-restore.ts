import { explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import {
  type BackupInfo,
  type Keyring,
  type Seal,
  allSecrets,
  backupInfo,
  decryptBackup,
  disposeKeyring,
  findSecret,
  parseBackup,
  readBackupFile,
  sealKeyring,
  unsealKeyring,
} from '../keys/index.js';
import type { VaultRecord } from '../store/index.js';
import { mismatchedMsid } from './backup-writer.js';
import { notifying } from './change-signal.js';
import type { PasswordPrompt, Principal, SecretServiceDeps } from './deps.js';
import { requireSsoAdmin } from './authorize.js';
import { clientComputer, clientUser, osUserOf } from './principal.js';

export interface BackupSource {
  /** Absolute path of the backup file; with `bytes`, how messages and records name the upload. */
  file: string;
  /** The file's bytes, uploaded over HTTP (at most the backup file limit), instead of reading `file`. */
  bytes?: Buffer;
  /** Called with what the file says in clear (its reminder first of all), then asked for the password. */
  password: PasswordPrompt<BackupInfo>;
}

export interface RestoreRequest extends BackupSource {
  /** Accept another vault's backup, or one that lacks this vault's current secret. */
  force: boolean;
}

export interface RestoreResult {
  file: string;
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
  /** True when the vault was created by this restore. */
  createdVault: boolean;
  /** True when a new seal key file had to be made (the old one was missing). */
  newSealKey: boolean;
}

/** Reads, parses and decrypts a backup file; the caller owns the keyring returned. */
export async function readBackup(source: BackupSource, principal: Principal): Promise<{ info: BackupInfo; keyring: Keyring }> {
  let bytes: Buffer;
  try {
    bytes = source.bytes ?? (await readBackupFile(source.file));
  } catch (error) {
    throw explainFileError(error, { path: source.file, action: 'read', osUser: osUserOf(principal) });
  }
  const parsed = parseBackup(bytes, source.file);
  const info = backupInfo(parsed.header);
  const password = await source.password(info);
  try {
    return { info, keyring: await decryptBackup(parsed, password, source.file) };
  } catch (error) {
    throw isTesseraError(error, 'WRONG_PASSWORD') ? wrongPassword(source.file) : error;
  }
}

/**
 * WRONG_PASSWORD without the file's reminder: this message becomes the failure's event, stored
 * and logged, and the reminder is a hint to the password. Whoever holds the file was shown the
 * reminder with the rest of its clear header before being asked (BackupSource.password).
 */
function wrongPassword(file: string) {
  return fail('WRONG_PASSWORD', `the password does not open ${file}: enter the password given when this backup was made`);
}

/**
 * `tessera secret restore`: installs a backup's keyring sealed under this machine's seal.
 * On an empty home it creates the vault; on an existing one it refuses anything that would
 * make data unreadable unless forced. Success emits 10523, failure 10524.
 */
export async function restoreSecret(deps: SecretServiceDeps, request: RestoreRequest, principal: Principal): Promise<RestoreResult> {
  let msids = { current: '', previous: '' };
  let restored: Keyring | undefined;
  let installed: Keyring | undefined;
  let existing: { keyring: Keyring | undefined; seal: Seal | undefined } = { keyring: undefined, seal: undefined };
  let committed = false;
  try {
    const vault = await deps.store.getVault();
    if (vault) msids = { current: vault.currentMsid, previous: vault.previousMsid ?? '' };
    await requireSsoAdmin(deps.store, principal, 'restore the master secret');
    const backup = await readBackup(request, principal);
    restored = backup.keyring;
    if (!vault) msids = { current: backup.info.currentMsid, previous: backup.info.previousMsid ?? '' };
    deps.step?.('restore:decrypted');

    existing = vault ? openExistingKeyring(deps, vault) : { keyring: undefined, seal: undefined };
    if (vault) checkReplacement(vault, existing.keyring, restored, request);
    installed = existing.keyring && vault?.vaultId === restored.vaultId ? mergeKeyrings(restored, existing.keyring) : restored;

    const newSealKey = !deps.seal.exists();
    const seal = existing.seal ?? (newSealKey ? deps.seal.create() : deps.seal.open());
    existing.seal = seal;
    deps.step?.('restore:sealed');
    const sealedKeyring = sealKeyring(seal, installed);
    const now = deps.now().toISOString();
    const fields = {
      vaultId: installed.vaultId,
      sealedKeyring,
      currentMsid: installed.current.msid,
      previousMsid: installed.previous[0]?.msid ?? null,
    };
    await notifying(deps, () =>
      vault
        ? deps.store.updateKeyring(vault.generation, { ...fields, updatedAt: now })
        : deps.store.createVault({ ...fields, createdAt: now, createdBy: principal.name }),
    );
    committed = true;
    deps.step?.('restore:committed');

    await deps.store.recordBackup({
      vaultId: restored.vaultId,
      msid: restored.current.msid,
      msids: allSecrets(restored).map((secret) => secret.msid),
      file: request.file,
      kind: 'verify',
      verifiedAt: now,
      clientUser: principal.name,
    });
    const result: RestoreResult = {
      file: request.file,
      vaultId: fields.vaultId,
      currentMsid: fields.currentMsid,
      previousMsid: fields.previousMsid,
      msids: allSecrets(installed).map((secret) => secret.msid),
      createdVault: !vault,
      newSealKey,
    };
    await deps.events.emit(
      10523,
      {
        'File Name': request.file,
        'Current MSID': result.currentMsid,
        'Previous MSID': result.previousMsid ?? '',
        'Client User': principal.name,
        'Client Computer': clientComputer(principal, deps.computerName),
      },
      `Restored the master secrets from ${request.file}` +
        (result.createdVault ? `, creating vault ${result.vaultId}` : ` into vault ${result.vaultId}`) +
        (newSealKey ? `; a new seal key was made (${deps.seal.description}): copy it to the other nodes of this vault` : '') +
        '.',
    );
    return result;
  } catch (error) {
    const cause = explainFileError(error, { path: request.file, action: 'read', osUser: osUserOf(principal) });
    const outcome = committed ? 'the keyring was restored, but recording the restore failed' : 'the vault was not changed';
    const failure = withMessage(cause, `Failed to restore the master secret from ${request.file} (${outcome}): ${cause.message}`);
    // Read again: another writer may have changed the keyring meanwhile (then this restore lost).
    const now = await deps.store.getVault().catch(() => undefined);
    if (now) msids = { current: now.currentMsid, previous: now.previousMsid ?? '' };
    await deps.events.emit(
      10524,
      {
        'File Name': request.file,
        'Current MSID': msids.current,
        'Previous MSID': msids.previous,
        'Client User': clientUser(principal),
        'Error Code': failure.code,
      },
      failure.message,
    );
    throw failure;
  } finally {
    // `installed` may share buffers with `restored`; zeroing twice is harmless.
    disposeKeyring(installed);
    disposeKeyring(restored);
    disposeKeyring(existing.keyring);
    existing.seal?.dispose();
  }
}

/**
 * The keyring the vault holds now, if this machine can still unseal it. A missing or wrong
 * seal key is exactly the disaster a restore repairs, so it is not an error here.
 */
export function openExistingKeyring(deps: SecretServiceDeps, vault: VaultRecord): { keyring: Keyring | undefined; seal: Seal | undefined } {
  if (!deps.seal.exists()) return { keyring: undefined, seal: undefined };
  const seal = deps.seal.open();
  try {
    return { keyring: unsealKeyring(seal, vault.sealedKeyring, vault.vaultId), seal };
  } catch (error) {
    if (isTesseraError(error, 'DECRYPTION_FAILED')) return { keyring: undefined, seal };
    seal.dispose();
    throw error;
  }
}

function checkReplacement(vault: VaultRecord, current: Keyring | undefined, restored: Keyring, request: RestoreRequest): void {
  if (vault.vaultId !== restored.vaultId) {
    if (request.force) return;
    throw fail(
      'FOREIGN_VAULT',
      `the backup belongs to vault ${restored.vaultId}, and this is vault ${vault.vaultId}: choose a backup of this vault, ` +
        "or pass --force to replace this vault's master secrets with the other vault's (data encrypted here would become unreadable)",
    );
  }
  if (!findSecret(restored, vault.currentMsid) && !request.force) {
    throw fail(
      'STALE_BACKUP',
      `the backup does not hold the vault's current master secret ${vault.currentMsid} (it holds ${allSecrets(restored)
        .map((s) => s.msid)
        .join(', ')}): ` +
        "restore a backup made after that secret was generated, or pass --force to make the backup's secret current (the newer secrets are kept as previous)",
    );
  }
  if (!current) return;
  const msid = mismatchedMsid(current, restored);
  if (msid !== undefined) {
    throw fail(
      'SECRET_MISMATCH',
      `the backup holds a different secret under MSID ${msid} than this vault: the file does not come from this vault's history; ` + 'use another backup',
    );
  }
}

/** The backup's secrets, then any the vault knows that the backup lacks: nothing becomes unreadable. */
function mergeKeyrings(restored: Keyring, current: Keyring): Keyring {
  const extra = allSecrets(current)
    .filter((secret) => !findSecret(restored, secret.msid))
    .map((secret) => ({ ...secret, key: Buffer.from(secret.key) }));
  return extra.length === 0 ? restored : { ...restored, previous: [...restored.previous, ...extra] };
}
