import type { createEventEmitter } from '../events/index.js';
import type { KdfParameters, Seal, StepHook } from '../keys/index.js';
import type { Store } from '../store/index.js';
import type { ChangeSignal } from './change-signal.js';

/** Who asks. Today the OS user of the CLI; later an authenticated API caller. */
export interface Principal {
  /** `HOST\user` for a local user, `DOMAIN\user` or `user@domain` later. */
  readonly name: string;
  /** Groups the caller belongs to (`DOMAIN\group`), as its authenticator vouches. */
  readonly groups?: readonly string[];
  /** The administrator at the server's own console: an SSO Administrator by definition. */
  readonly localAdministrator?: boolean;
  /** Where the call came from: the caller's address for an HTTP call; absent at the server's console. */
  readonly address?: string;
}

/** Where the seal key comes from; a key file today, other seals later (ROADMAP 3). */
export interface SealSource {
  readonly description: string;
  exists(): boolean;
  /** Throws SEAL_KEY_MISSING, SEAL_KEY_INVALID or SEAL_KEY_EXPOSED. */
  open(): Seal;
  /** Creates a new seal key; refuses to replace an existing one. */
  create(): Seal;
}

export type EventSink = Pick<ReturnType<typeof createEventEmitter>, 'emit'>;

export interface SecretServiceDeps {
  store: Pick<
    Store,
    'location' | 'getGlobalInfo' | 'getVault' | 'createVault' | 'updateKeyring' | 'rotateKeyring' | 'recordBackup' | 'listBackups' | 'listEvents'
  >;
  events: EventSink;
  seal: SealSource;
  /** Argon2id parameters for new backup files. */
  kdf: KdfParameters;
  computerName: string;
  /** Recorded in backup files, e.g. "tessera 0.1.0". */
  writer: string;
  now(): Date;
  /** Crash tests stop the process at named steps; a no-op in production. */
  step?: StepHook;
  /** Told after a generate or restore wrote the keyring (the vault service's caches listen). */
  changes?: ChangeSignal;
}

/** Asks for a password only once the cheap checks have passed; `info` carries the reminder. */
export type PasswordPrompt<Info = void> = (info: Info) => Promise<string>;
