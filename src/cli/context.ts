import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { TesseraConfig } from '../config/index.js';
import { createEventEmitter } from '../events/index.js';
import { openOwnFile } from '../files/index.js';
import { keyFileSealSource } from '../keys/index.js';
import {
  type EventSink,
  createChangeSignal,
  createSecretService,
  createTokenService,
  createVaultService,
  type Principal,
  type SecretService,
  type TokenService,
  type VaultService,
} from '../service/index.js';
import { openStore, type Store } from '../store/index.js';
import { LOG_FILE_ROLE, prepareHome } from './home.js';
import { type ActAs, cliPrincipal } from './principal.js';
import { VERSION } from '../config/index.js';

/** Everything a command needs, wired once at the edge from the frozen configuration. */
export interface CliContext {
  config: TesseraConfig;
  store: Store;
  logger: Logger;
  events: EventSink;
  secrets: SecretService;
  /** Affiliate applications, mappings, credentials, tickets, config store, global info. */
  vault: VaultService;
  /** API tokens for the HTTP server. */
  tokens: TokenService;
  /** The local administrator, or the account named by --as. */
  principal: Principal;
  /** The one clock of this process: every time-based rule and every event reads it. */
  now: () => Date;
  close(): Promise<void>;
}

export async function openContext(config: TesseraConfig, actAs: ActAs = {}): Promise<CliContext> {
  const principal = cliPrincipal(config, actAs);
  // Everything Tessera creates in its home is for its own user only.
  process.umask(0o077);
  // Before anything is read or written there: a home someone else prepared is refused.
  prepareHome(config);
  const logger = createLogger(config);
  const store = await openStore(config.database);
  // The one clock of this process: every time-based rule and every event reads it.
  const now = () => new Date();
  const events = createEventEmitter({ sink: store, logger, now });
  const seal = keyFileSealSource(config.sealKeyFile);
  // A generate or restore through `secrets` empties the credential cache of `vault`.
  const changes = createChangeSignal();
  const secrets = createSecretService({
    store,
    events,
    seal,
    kdf: config.kdf,
    computerName: config.computerName,
    writer: `tessera ${VERSION}`,
    now,
    step: crashHook(config.crashAtStep),
    changes,
  });
  const vault = createVaultService({ store, events, seal, computerName: config.computerName, now, changes });
  const tokens = createTokenService({ store, events, computerName: config.computerName, now });
  return {
    config,
    store,
    logger,
    events,
    secrets,
    vault,
    tokens,
    principal,
    now,
    close: async () => {
      vault.dispose();
      await store.close();
      logger.flush();
    },
  };
}

function createLogger(config: TesseraConfig): Logger {
  const destination = pino.destination({ dest: config.logFile ? openLogFile(config.logFile) : 2, sync: true });
  return pino({ base: { pid: process.pid, host: config.computerName }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/**
 * The log is appended to through a descriptor we opened and checked (no link followed, our
 * own file, nobody else may write it, no other name), so its directory may be shared, as
 * /var/log often is; pino never opens the path itself.
 */
function openLogFile(path: string): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return openOwnFile(path, { role: LOG_FILE_ROLE, access: 'append', create: 'if-missing', checkDirectory: false }).fd;
}

/** Crash tests name a step; reaching it kills this process the hard way, as a power cut would. */
function crashHook(step: string | undefined): ((name: string) => void) | undefined {
  if (!step) return undefined;
  return (name) => {
    if (name === step) process.kill(process.pid, 'SIGKILL');
  };
}
