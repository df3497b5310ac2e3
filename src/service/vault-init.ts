import { randomUUID } from 'node:crypto';
import { fail, type TesseraError } from '../errors/index.js';
import type { Seal } from '../keys/index.js';
import { disposeKeyring, generateMasterSecret, newKeyring, sealKeyring } from '../keys/index.js';
import { requireSsoAdmin } from './authorize.js';
import type { Principal, SecretServiceDeps } from './deps.js';
import { clientComputer } from './principal.js';

export interface InitResult {
  vaultId: string;
  currentMsid: string;
  store: string;
  seal: string;
}

/** `tessera init`: a new vault with its first master secret. Never touches an existing one. */
export async function initVault(deps: SecretServiceDeps, principal: Principal): Promise<InitResult> {
  await requireSsoAdmin(deps.store, principal, 'create a vault');
  const existing = await deps.store.getVault();
  if (existing) {
    throw fail(
      'VAULT_EXISTS',
      `a vault (${existing.vaultId}) already exists in ${deps.store.location}: nothing was changed. ` +
        'Use tessera secret status to inspect it, or choose another TESSERA_HOME for a new vault',
    );
  }
  const seal = await createSeal(deps);
  const secret = generateMasterSecret(principal.name, deps.now());
  const keyring = newKeyring(randomUUID(), secret);
  try {
    await deps.store.createVault({
      vaultId: keyring.vaultId,
      createdAt: secret.createdAt,
      createdBy: principal.name,
      sealedKeyring: sealKeyring(seal, keyring),
      currentMsid: secret.msid,
      previousMsid: null,
    });
    await deps.events.emit(
      10525,
      { MSID: secret.msid, 'Client User': principal.name, 'Client Computer': clientComputer(principal, deps.computerName), 'Tracking ID': keyring.vaultId },
      `Created vault ${keyring.vaultId} with master secret ${secret.msid}. It has no backup yet: run "tessera secret backup FILE".`,
    );
    return { vaultId: keyring.vaultId, currentMsid: secret.msid, store: deps.store.location, seal: deps.seal.description };
  } finally {
    disposeKeyring(keyring);
    seal.dispose();
  }
}

/**
 * A seal key found without a vault is never adopted, nor replaced: whoever wrote it could
 * unseal every credential of the new vault, and it may be the only key of a lost one.
 */
async function createSeal(deps: SecretServiceDeps): Promise<Seal> {
  if (deps.seal.exists()) throw strayKey(deps);
  try {
    return deps.seal.create();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Created meanwhile: by another init that may have won, or by anyone else.
    const vault = await deps.store.getVault();
    if (vault) throw fail('VAULT_EXISTS', `a vault (${vault.vaultId}) was created in ${deps.store.location} at the same moment: nothing was changed`);
    throw strayKey(deps);
  }
}

function strayKey(deps: SecretServiceDeps): TesseraError {
  return fail(
    'SEAL_KEY_STRAY',
    `a seal key already exists (${deps.seal.description}) but ${deps.store.location} holds no vault: Tessera never adopts a key ` +
      'it did not create for this vault, since whoever wrote it could unseal every credential. If it is the key of a vault ' +
      'whose database was lost, restore that vault from a backup (tessera secret restore FILE); otherwise move the stray key ' +
      'away and run tessera init again',
  );
}
