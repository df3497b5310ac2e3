import { randomUUID } from 'node:crypto';
import { fail } from '../errors/index.js';
import { disposeKeyring, generateMasterSecret, newKeyring, sealKeyring } from '../keys/index.js';
import { requireSsoAdmin } from './authorize.js';
import type { Principal, SecretServiceDeps } from './deps.js';

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
  // A seal key left without a vault (say, copied ahead to a new node) is reused, never replaced.
  const seal = deps.seal.exists() ? deps.seal.open() : deps.seal.create();
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
      { MSID: secret.msid, 'Client User': principal.name, 'Client Computer': deps.computerName, 'Tracking ID': keyring.vaultId },
      `Created vault ${keyring.vaultId} with master secret ${secret.msid}. It has no backup yet: run "tessera secret backup FILE".`,
    );
    return { vaultId: keyring.vaultId, currentMsid: secret.msid, store: deps.store.location, seal: deps.seal.description };
  } finally {
    disposeKeyring(keyring);
    seal.dispose();
  }
}
