import { randomUUID } from 'node:crypto';
import { explainFileError, withMessage } from '../errors/index.js';
import { type Keyring, allSecrets, disposeKeyring, generateMasterSecret, rotateKeyring, sealKeyring } from '../keys/index.js';
import { rewrapDataKey } from '../vault/index.js';
import { type BackupTarget, precheckBackup, writeVerifiedBackup } from './backup-writer.js';
import type { Principal, SecretServiceDeps } from './deps.js';
import { requireSsoAdmin } from './authorize.js';
import { osUserOf } from './principal.js';
import { openKeyring } from './vault-keyring.js';

export interface BackupResult {
  file: string;
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
}

/** `tessera secret backup`: every failure emits 10560 with the cause and the fix. */
export async function backupSecret(deps: SecretServiceDeps, target: BackupTarget, principal: Principal): Promise<BackupResult> {
  let msids = { current: '', previous: '' };
  let opened: Awaited<ReturnType<typeof openKeyring>> | undefined;
  try {
    msids = await knownMsids(deps);
    await requireSsoAdmin(deps.store, principal, 'back up or generate the master secret');
    await precheckBackup(target);
    opened = await openKeyring(deps);
    await writeVerifiedBackup(deps, opened.keyring, target, principal);
    const result = resultOf(target.file, opened.keyring);
    await recordWrittenBackup(deps, result, principal);
    await deps.events.emit(
      10559,
      backupParams(target.file, msids, principal, { 'Client Computer': deps.computerName }),
      `Backed up the master secrets to ${target.file} and verified the file reads back. ` +
        'Keep the file and its password safe, apart from this server.',
    );
    return result;
  } catch (error) {
    throw await backupFailed(deps, target.file, msids, principal, error);
  } finally {
    disposeKeyring(opened?.keyring);
    opened?.seal.dispose();
  }
}

export interface GenerateResult extends BackupResult {
  trackingId: string;
}

/**
 * `tessera secret generate --backup FILE`: a new master secret becomes current only once its
 * backup is written and verified, as in ENTSSO, so no secret is ever current without one.
 */
export async function generateSecret(deps: SecretServiceDeps, target: BackupTarget, principal: Principal): Promise<GenerateResult> {
  const trackingId = randomUUID();
  let msids = { current: '', previous: '' };
  let opened: Awaited<ReturnType<typeof openKeyring>> | undefined;
  let rotated: Keyring | undefined;
  let stage: 'backup' | 'commit' = 'backup';
  try {
    msids = await knownMsids(deps);
    await requireSsoAdmin(deps.store, principal, 'back up or generate the master secret');
    await precheckBackup(target);
    opened = await openKeyring(deps);
    // Every data key is re-wrapped under the new secret below, so older secrets are referenced
    // by nothing; the one just replaced stays as previous (ENTSSO's Previous MSID, and tickets
    // issued under it stay redeemable until they expire).
    const next = rotateKeyring(opened.keyring, generateMasterSecret(principal.name, deps.now()));
    rotated = { ...next, previous: next.previous.slice(0, 1) };
    await writeVerifiedBackup(deps, rotated, target, principal);
    deps.step?.('generate:backup-written');
    // Recorded before the commit, so a crash right after it never shows the new secret as unbacked;
    // if the commit fails, the record covers no current secret and is harmless.
    const result = { ...resultOf(target.file, rotated), trackingId };
    await recordWrittenBackup(deps, result, principal);
    stage = 'commit';
    // Re-wrap every application data key under the new secret, in the same transaction that
    // swaps the keyring: O(applications), and credential ciphertexts stay as they are.
    const keyring = rotated;
    const rewrapped = (await deps.store.listDataKeys()).map((record) => rewrapDataKey(record, keyring, keyring.current));
    await deps.store.rotateKeyring(
      opened.vault.generation,
      {
        vaultId: rotated.vaultId,
        sealedKeyring: sealKeyring(opened.seal, rotated),
        currentMsid: rotated.current.msid,
        previousMsid: rotated.previous[0]?.msid ?? null,
        updatedAt: deps.now().toISOString(),
      },
      rewrapped,
    );
    deps.step?.('generate:committed');
    await deps.events.emit(
      10525,
      { MSID: rotated.current.msid, 'Client User': principal.name, 'Client Computer': deps.computerName, 'Tracking ID': trackingId },
      `Generated master secret ${rotated.current.msid}; the previous one (${msids.current}) is kept. ` +
        `Its backup is ${target.file}.`,
    );
    await deps.events.emit(
      10559,
      backupParams(target.file, { current: rotated.current.msid, previous: msids.current }, principal, { 'Client Computer': deps.computerName }),
      `Backed up the new master secret to ${target.file} and verified the file reads back.`,
    );
    return result;
  } catch (error) {
    const failure = stage === 'backup' ? await backupFailed(deps, target.file, msids, principal, error) : explain(error, target.file, principal);
    await deps.events.emit(
      10526,
      { 'Client User': principal.name, 'Client Computer': deps.computerName, 'Tracking ID': trackingId, 'Error Code': failure.code },
      `Failed to generate a new master secret; the current one (${msids.current || 'unknown'}) stays in use: ${failure.message}`,
    );
    throw failure;
  } finally {
    // `rotated` shares the old secrets' buffers; dispose the new one and the old keyring once each.
    if (rotated) rotated.current.key.fill(0);
    disposeKeyring(opened?.keyring);
    opened?.seal.dispose();
  }
}

/** The MSIDs the vault row names, read before anything can fail, so every failure event carries them. */
async function knownMsids(deps: SecretServiceDeps): Promise<{ current: string; previous: string }> {
  const vault = await deps.store.getVault();
  return { current: vault?.currentMsid ?? '', previous: vault?.previousMsid ?? '' };
}

function resultOf(file: string, keyring: Keyring): BackupResult {
  return {
    file,
    vaultId: keyring.vaultId,
    currentMsid: keyring.current.msid,
    previousMsid: keyring.previous[0]?.msid ?? null,
    msids: allSecrets(keyring).map((secret) => secret.msid),
  };
}

async function recordWrittenBackup(deps: SecretServiceDeps, result: BackupResult, principal: Principal): Promise<void> {
  await deps.store.recordBackup({
    vaultId: result.vaultId,
    msid: result.currentMsid,
    msids: result.msids,
    file: result.file,
    kind: 'backup',
    verifiedAt: deps.now().toISOString(),
    clientUser: principal.name,
  });
}

function backupParams<Extra extends Record<string, string>>(
  file: string,
  msids: { current: string; previous: string },
  principal: Principal,
  extra: Extra,
) {
  return { 'File Name': file, 'Current MSID': msids.current, 'Previous MSID': msids.previous, 'Client User': principal.name, ...extra };
}

function explain(error: unknown, file: string, principal: Principal) {
  return explainFileError(error, { path: file, action: 'write', osUser: osUserOf(principal) });
}

/** Emits 10560 and returns the error to throw, whose message is the event's text. */
async function backupFailed(
  deps: SecretServiceDeps,
  file: string,
  msids: { current: string; previous: string },
  principal: Principal,
  error: unknown,
) {
  const cause = explain(error, file, principal);
  const failure = withMessage(cause, `Failed to back up the master secret to ${file}: ${cause.message}`);
  await deps.events.emit(10560, backupParams(file, msids, principal, { 'Error Code': failure.code }), failure.message);
  return failure;
}
