import { fail, isTesseraError } from '../errors/index.js';
import { type Keyring, type Seal, unsealKeyring } from '../keys/index.js';
import type { VaultRecord } from '../store/index.js';
import type { SecretServiceDeps } from './deps.js';

export interface OpenKeyring {
  vault: VaultRecord;
  keyring: Keyring;
  seal: Seal;
}

export async function requireVault(deps: Pick<SecretServiceDeps, 'store'>): Promise<VaultRecord> {
  const vault = await deps.store.getVault();
  if (!vault) {
    throw fail('NO_VAULT', `there is no vault in ${deps.store.location}: run tessera init, or tessera secret restore FILE to rebuild one from a backup`);
  }
  return vault;
}

/** Reads the vault and unseals its keyring; the caller must dispose both keyring and seal. */
export async function openKeyring(deps: Pick<SecretServiceDeps, 'store' | 'seal'>): Promise<OpenKeyring> {
  const vault = await requireVault(deps);
  const seal = deps.seal.open();
  try {
    return { vault, keyring: unsealKeyring(seal, vault.sealedKeyring, vault.vaultId), seal };
  } catch (error) {
    seal.dispose();
    if (isTesseraError(error, 'DECRYPTION_FAILED')) {
      throw fail(
        'SEAL_MISMATCH',
        `the seal key ${deps.seal.description} does not unseal the keyring of vault ${vault.vaultId}: ` +
          "put back this vault's seal key, or restore the master secret from a backup (tessera secret restore FILE)",
        error,
      );
    }
    throw error;
  }
}
