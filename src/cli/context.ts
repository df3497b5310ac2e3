import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import { connectToServer, type LocalBackupFiles } from '../client/index.js';
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
  type SecretApi,
  type SecretService,
  type TokenService,
  type VaultApi,
  type VaultService,
} from '../service/index.js';
import { openStore, type Store } from '../store/index.js';
import { chooseToken, readCaFile, type ServerChoice } from './client-settings.js';
import { LOG_FILE_ROLE, prepareHome } from './home.js';
import { type ActAs, cliPrincipal } from './principal.js';
import { localBackupFiles } from './remote-backup-files.js';
import { VERSION } from '../config/index.js';

/**
 * Everything a command needs, wired once at the edge: the same operations whether they run on
 * this machine's vault or on a Tessera server (`--server`, TESSERA_ADDR, the setting files).
 */
export interface CliContext {
  config: TesseraConfig;
  logger: Logger;
  secrets: SecretApi;
  /** Affiliate applications, mappings, credentials, tickets, config store, global info. */
  vault: VaultApi;
  /** The local administrator, the account named by --as, or whom the server takes the token for. */
  principal: Principal;
  /** The server the operations go to; undefined for the local vault. */
  server: ServerChoice | undefined;
  /** The one clock of this process: every time-based rule and every event reads it. */
  now: () => Date;
  close(): Promise<void>;
}

/** The local vault's parts, for the commands that exist only here (`serve`, `init`, `token`). */
export interface LocalContext extends CliContext {
  store: Store;
  events: EventSink;
  secrets: SecretService;
  vault: VaultService;
  /** API tokens for the HTTP server (no route serves them: managed on the server's machine). */
  tokens: TokenService;
  server: undefined;
}

export async function openContext(config: TesseraConfig, actAs: ActAs = {}): Promise<LocalContext> {
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
    server: undefined,
    now,
    close: async () => {
      vault.dispose();
      await store.close();
      logger.flush();
    },
  };
}

/**
 * A context whose operations are calls to a Tessera server: no store, no seal key, no home but
 * the token file's. The server authenticates the token and decides as whom every call runs.
 */
export async function openRemoteContext(config: TesseraConfig, server: ServerChoice, options: { tokenFile: string | undefined }): Promise<CliContext> {
  process.umask(0o077);
  const token = chooseToken(options.tokenFile, config, server);
  const ca = readCaFile(config);
  // Nothing here is logged to a file of the home: an unexpected failure's details go to standard error.
  const logger = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
  const files: LocalBackupFiles = localBackupFiles(config.osUser);
  const client = connectToServer({ url: server.url, token, ca }, files);
  try {
    const principal = await client.whoami();
    return {
      config: { ...config, logFile: null },
      logger,
      secrets: client.secrets,
      vault: client.vault,
      principal,
      server,
      now: () => new Date(),
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
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
