import { randomUUID } from 'node:crypto';
import { type TesseraError, explainFileError, fail, isTesseraError, withMessage } from '../errors/index.js';
import { type Keyring, type MasterSecret, allSecrets, disposeKeyring, generateMasterSecret, rotateKeyring, sealKeyring } from '../keys/index.js';
import { rewrapDataKey } from '../vault/index.js';
import { type BackupTarget, precheckBackup, writeVerifiedBackup } from './backup-writer.js';
import { notifying } from './change-signal.js';
import type { Principal, SecretServiceDeps } from './deps.js';
import { requireSsoAdmin } from './authorize.js';
import { clientComputer, clientUser, osUserOf } from './principal.js';
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
  let opened: Awaited<ReturnType<typeof openKeyring>> | undefined;
  try {
    await requireSsoAdmin(deps.store, principal, 'back up or generate the master secret');
    await precheckBackup(target);
    opened = await openKeyring(deps);
    await writeVerifiedBackup(deps, opened.keyring, target, principal);
    const result = resultOf(target.file, opened.keyring);
    if (!target.download) await recordWrittenBackup(deps, result, principal);
    await deps.events.emit(
      10559,
      backupParams(target.download ? 'download' : target.file, msidsOf(opened.keyring), principal, {
        'Client Computer': clientComputer(principal, deps.computerName),
      }),
      target.download
        ? `Backed up the master secrets for ${clientUser(principal)} to download; it counts as a verified backup once the caller verifies its copy.`
        : `Backed up the master secrets to ${target.file} and verified the file reads back. ` + 'Keep the file and its password safe, apart from this server.',
    );
    return result;
  } catch (error) {
    throw await backupFailed(deps, target, principal, error);
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
 *
 * The vault then keeps the new secret and the one it replaces (ENTSSO's previous: tickets issued
 * under it stay redeemable). Every data key is re-wrapped under the new secret, in the transaction
 * that swaps the keyring, after being unwrapped with whichever secret of the whole keyring wraps
 * it (a restore or an application created during a generate can leave keys under any of them).
 * So the older secrets are dropped only once nothing refers to them, which the store checks.
 */
export async function generateSecret(deps: SecretServiceDeps, target: BackupTarget, principal: Principal): Promise<GenerateResult> {
  const trackingId = randomUUID();
  let opened: Awaited<ReturnType<typeof openKeyring>> | undefined;
  let fresh: MasterSecret | undefined;
  let stage: 'backup' | 'commit' = 'backup';
  try {
    await requireSsoAdmin(deps.store, principal, 'back up or generate the master secret');
    if (target.download) {
      // The new secret becomes current only once a backup of it is kept: a response can be lost.
      throw fail('INVALID_ARGUMENT', 'a new master secret needs its backup written to a file on the server (give file): a download could be lost in transit');
    }
    await precheckBackup(target);
    opened = await openKeyring(deps);
    const { keyring: old, seal, vault } = opened;
    const secret = generateMasterSecret(principal.name, deps.now());
    fresh = secret;
    const whole = rotateKeyring(old, secret);
    const kept: Keyring = { ...whole, previous: whole.previous.slice(0, 1) };
    await writeVerifiedBackup(deps, kept, target, principal);
    deps.step?.('generate:backup-written');
    // Recorded before the commit, so a crash right after it never shows the new secret as unbacked;
    // if the commit fails, the record covers no current secret and is harmless.
    const result = { ...resultOf(target.file, kept), trackingId };
    await recordWrittenBackup(deps, result, principal);
    stage = 'commit';
    await notifying(deps, () =>
      deps.store.rotateKeyring(vault.generation, (dataKeys) => {
        const rewrapped = dataKeys.map((record) => rewrapDataKey(record, whole, secret));
        // Crash tests stop here, inside the store's transaction: the vault row claimed, nothing committed.
        deps.step?.('generate:rewrapped');
        return {
          rewrapped,
          msids: result.msids,
          keyring: {
            vaultId: kept.vaultId,
            sealedKeyring: sealKeyring(seal, kept),
            currentMsid: kept.current.msid,
            previousMsid: old.current.msid,
            updatedAt: deps.now().toISOString(),
          },
        };
      }),
    );
    deps.step?.('generate:committed');
    await deps.events.emit(
      10525,
      { MSID: secret.msid, 'Client User': principal.name, 'Client Computer': clientComputer(principal, deps.computerName), 'Tracking ID': trackingId },
      `Generated master secret ${secret.msid}; the previous one (${old.current.msid}) is kept. Its backup is ${target.file}.`,
    );
    await deps.events.emit(
      10559,
      backupParams(target.file, msidsOf(kept), principal, { 'Client Computer': clientComputer(principal, deps.computerName) }),
      `Backed up the new master secret to ${target.file} and verified the file reads back.`,
    );
    return result;
  } catch (error) {
    const started = opened?.keyring.current.msid;
    const explained = stage === 'backup' ? await backupFailed(deps, target, principal, error) : explain(error, target.file, principal);
    // Read again: another writer may have made its own secret current meanwhile.
    const { current } = await knownMsids(deps);
    const failure = isTesseraError(explained, 'KEYRING_CHANGED') ? lostRace(explained, current, target.file) : explained;
    const outcome =
      started === undefined || current === started
        ? `the current one (${current || 'unknown'}) stays in use`
        : `master secret ${current || 'unknown'} is current, made so by another writer while this generate ran (it started from ${started})`;
    await deps.events.emit(
      10526,
      { 'Client User': principal.name, 'Client Computer': clientComputer(principal, deps.computerName), 'Tracking ID': trackingId, 'Error Code': failure.code },
      `Failed to generate a new master secret; ${outcome}: ${failure.message}`,
    );
    throw failure;
  } finally {
    // `kept` and `whole` share the old keyring's buffers: zero the new key and the old keyring once each.
    fresh?.key.fill(0);
    disposeKeyring(opened?.keyring);
    opened?.seal.dispose();
  }
}

/** The MSIDs the vault row names now; empty when it cannot be read (the failure being reported may be why). */
async function knownMsids(deps: SecretServiceDeps): Promise<{ current: string; previous: string }> {
  const vault = await deps.store.getVault().catch(() => undefined);
  return { current: vault?.currentMsid ?? '', previous: vault?.previousMsid ?? '' };
}

function msidsOf(keyring: Keyring): { current: string; previous: string } {
  return { current: keyring.current.msid, previous: keyring.previous[0]?.msid ?? '' };
}

/** A generate that lost the keyring to another writer: say which secret won, and what its own file holds. */
function lostRace(failure: TesseraError, current: string, file: string): TesseraError {
  return withMessage(
    failure,
    `master secret ${current || 'unknown'} became current while this generate ran (another writer generated or restored one), ` +
      `so the new secret was not put in use; ${file} holds that unused secret and can be deleted. ` +
      'Run tessera secret generate again if a newer secret is still wanted',
  );
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

function backupParams<Extra extends Record<string, string>>(file: string, msids: { current: string; previous: string }, principal: Principal, extra: Extra) {
  return { 'File Name': file, 'Current MSID': msids.current, 'Previous MSID': msids.previous, 'Client User': clientUser(principal), ...extra };
}

function explain(error: unknown, file: string, principal: Principal) {
  return explainFileError(error, { path: file, action: 'write', osUser: osUserOf(principal) });
}

/** Emits 10560 (naming the MSIDs the vault holds now) and returns the error to throw, whose message is the event's text. */
async function backupFailed(deps: SecretServiceDeps, target: BackupTarget, principal: Principal, error: unknown) {
  const cause = explain(error, target.file, principal);
  // A download's scratch file is the server's business; the caller asked for a download.
  const where = target.download ? 'download' : target.file;
  const failure = withMessage(cause, `Failed to back up the master secret ${target.download ? 'for download' : `to ${target.file}`}: ${cause.message}`);
  await deps.events.emit(10560, backupParams(where, await knownMsids(deps), principal, { 'Error Code': failure.code }), failure.message);
  return failure;
}
