import type { Principal, SecretServiceDeps } from './deps.js';
import type { BackupTarget } from './backup-writer.js';
import { backupSecret, generateSecret } from './secret-backup.js';
import { type RestoreRequest, restoreSecret, type BackupSource } from './secret-restore.js';
import { remindBackupIfNeeded, secretStatus } from './secret-status.js';
import { verifyBackup } from './secret-verify.js';
import { initVault } from './vault-init.js';
import { requireSsoAdmin } from './authorize.js';
import { listEvents } from './event-log.js';
import type { EventQuery } from '../store/index.js';

export type { Principal, SealSource, SecretServiceDeps, PasswordPrompt, EventSink } from './deps.js';
export type { BackupTarget } from './backup-writer.js';
export type { BackupResult, GenerateResult } from './secret-backup.js';
export type { RestoreRequest, RestoreResult, BackupSource } from './secret-restore.js';
export type { VerifyResult } from './secret-verify.js';
export type { SecretStatus } from './secret-status.js';
export type { InitResult } from './vault-init.js';
export { BACKUP_REMINDER_INTERVAL_MS } from './secret-status.js';
export { localPrincipal } from './principal.js';
export { EVENTS_MAX_PAGE } from './event-log.js';

/** The master secret lifecycle, as every front end (CLI today, HTTP later) calls it. */
export function createSecretService(deps: SecretServiceDeps) {
  return {
    init: (principal: Principal) => initVault(deps, principal),
    status: () => secretStatus(deps),
    /** The status as a remote caller sees it: every backup's path is the SSO administrators' business. */
    statusFor: async (principal: Principal) => {
      await requireSsoAdmin(deps.store, principal, 'read the master secret status');
      return secretStatus(deps);
    },
    backup: (target: BackupTarget, principal: Principal) => backupSecret(deps, target, principal),
    generate: (target: BackupTarget, principal: Principal) => generateSecret(deps, target, principal),
    restore: (request: RestoreRequest, principal: Principal) => restoreSecret(deps, request, principal),
    verify: (source: BackupSource, principal: Principal) => verifyBackup(deps, source, principal),
    remindBackupIfNeeded: (options: { atStart: boolean }) => remindBackupIfNeeded(deps, options),
    events: (query: EventQuery, principal: Principal) => listEvents(deps, query, principal),
  };
}

export type SecretService = ReturnType<typeof createSecretService>;

/**
 * The master secret operations a front end calls, served by the service in this process or by a
 * Tessera server over HTTP (src/client): one interface, two implementations.
 */
export type SecretApi = Pick<SecretService, 'init' | 'status' | 'backup' | 'generate' | 'restore' | 'verify' | 'events'>;

/** The vault operations a front end calls, here or over HTTP (src/client). */
export interface VaultApi {
  applications: Pick<VaultService['applications'], 'create' | 'get' | 'list' | 'update' | 'setEnabled' | 'delete'>;
  mappings: Pick<VaultService['mappings'], 'create' | 'list' | 'setEnabled' | 'delete' | 'setCredentials'>;
  lookup: Pick<VaultService['lookup'], 'getCredentials' | 'hostLookup' | 'purgeCache'>;
  tickets: Pick<VaultService['tickets'], 'issue' | 'redeem'>;
  config: Pick<VaultService['config'], 'set' | 'get' | 'delete'>;
  global: Pick<VaultService['global'], 'get' | 'update'>;
  dispose(): void;
}
export { backupHeaderOf, type BackupInfo } from './backup-header.js';
import type { VaultService } from './vault-service.js';
export { createVaultService, type VaultService } from './vault-service.js';
export type { VaultServiceDeps } from './vault-context.js';
export { type ChangeSignal, createChangeSignal } from './change-signal.js';
export { type CredentialCacheOptions, DEFAULT_MAX_ENTRIES, DEFAULT_RECHECK_MS } from './credential-cache.js';
export type { ApplicationChanges } from './applications.js';
export type { Credentials } from './lookup.js';
export type { IssuedTicket } from './tickets.js';
export type { ConfigValues } from './config-store.js';
export {
  createTokenService,
  type TokenService,
  type TokenServiceDeps,
  type NewTokenInput,
  type TokenInfo,
  type CreatedToken,
  API_TOKEN_PREFIX,
  MAX_API_TOKEN_LENGTH,
  MAX_TOKEN_GROUPS,
  MAX_TOKEN_LIFETIME_YEARS,
  LAST_USE_INTERVAL_MS,
  INVALID_TOKEN_MESSAGE,
  TOKEN_RECHECK_MS,
} from './tokens.js';
