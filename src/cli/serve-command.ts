import { join } from 'node:path';
import type { Command } from 'commander';
import { isTesseraError } from '../errors/index.js';
import {
  type Authenticator,
  type RunningServer,
  type ServerSettings,
  apiTokenAuthenticator,
  clientCertificateAuthenticator,
  createMetrics,
  oidcAuthenticator,
  startServer,
} from '../server/index.js';
import { describeDatabase } from '../store/index.js';
import { bootstrapAdministrator } from './bootstrap.js';
import type { LocalContext } from './context.js';
import { type GlobalOptions, runLocalCommand } from './run.js';

/** How often the running node checks whether the daily 10589 reminder is due. */
const REMINDER_CHECK_MS = 60 * 60 * 1000;

interface ServeOptions {
  listen?: string;
}

/**
 * `tessera serve` (also `tessera start`): runs this node in the foreground and serves the HTTP
 * API. On a fresh home it creates the vault; it unseals the keyring to prove it can, nags
 * (10589) while the current master secret has no backup, reloads its TLS certificate on
 * SIGHUP, and on SIGINT/SIGTERM stops taking requests and drains those in flight.
 */
export function addServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .alias('start')
    .description('run this Tessera node in the foreground and serve the HTTP API (creates the vault on first start)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8740, or TESSERA_LISTEN)')
    .action((options: ServeOptions) => runLocalCommand(globals(), 'tessera serve', (context) => serve(context), { flags: { listen: options.listen } }));
}

async function serve(context: LocalContext): Promise<void> {
  const { secrets, events, config } = context;
  const settings = config.server;
  await events.emit(10501, {
    'Computer Name': config.computerName,
    'SQL Server Name': context.store.location,
    'SSO Database Name': describeDatabase(config.database),
  });
  if (!(await context.store.getVault())) {
    const created = await secrets.init(context.principal);
    process.stdout.write(`Created a new vault ${created.vaultId} in ${created.store}; seal key: ${config.sealKeyFile}\n`);
  }
  let status;
  try {
    status = await secrets.status();
  } catch (error) {
    // The keyring cannot be unsealed: the operator must see why the node did not start.
    if (isTesseraError(error, 'SEAL_MISMATCH')) await events.emit(10521, {}, error.message);
    else if (isTesseraError(error)) await events.emit(10503, { 'Error Code': error.code }, error.message);
    throw error;
  }
  if (await secrets.remindBackupIfNeeded({ atStart: true })) {
    process.stderr.write(
      '\n' +
        '  ****************************************************************************\n' +
        `  * The master secret ${status.currentMsid} has NO BACKUP.\n` +
        "  * If this machine's seal key or database is lost, every credential is lost.\n" +
        '  * Back it up now:   tessera secret backup /a/safe/place/tessera-secret.bak\n' +
        '  ****************************************************************************\n\n',
    );
  }
  // Handlers first: a signal that arrives before them would kill the node without 10504/10505.
  const stopped = untilStopSignal(
    () => secrets.remindBackupIfNeeded({ atStart: false }).catch((error: unknown) => context.logger.error({ err: error }, 'backup reminder failed')),
    () => tls.reload(),
  );
  const tls = { reload: () => {} };
  const scratchDir = join(config.home, 'scratch');
  let server: RunningServer;
  try {
    server = await startServer({
      settings,
      vault: context.vault,
      secrets,
      authenticators: authenticatorsFor(context, settings),
      tokens: context.tokens,
      events,
      logger: context.logger,
      metrics: createMetrics(secrets, context.now),
      scratchDir,
      guardedPaths: guardedPaths(config),
      now: context.now,
    });
  } catch (error) {
    stopped.cancel();
    throw error;
  }
  tls.reload = () => {
    const failure = server.reloadTls();
    if (failure) {
      context.logger.error({ err: failure }, 'TLS reload failed; the old certificate stays in use');
      process.stderr.write(`error ${isTesseraError(failure) ? failure.code : 'TLS_INVALID'}: ${failure.message} (the old certificate stays in use)\n`);
    } else {
      context.logger.info('TLS certificate reloaded');
      process.stdout.write('TLS certificate and key reloaded.\n');
    }
  };
  await bootstrapAdministrator(context, server.url);
  await events.emit(10502, {}, `Tessera ${config.computerName} started: vault ${status.vaultId}, master secret ${status.currentMsid}, serving ${server.url}.`);
  process.stdout.write(`Tessera is serving ${server.url} (vault ${status.vaultId}). Press Ctrl-C to stop.\n`);
  await stopped.promise;
  process.stdout.write('Stopping: finishing the requests in flight...\n');
  await server.stop();
  await events.emit(10504, {});
  await events.emit(10505, {});
  process.stdout.write('Tessera stopped.\n');
}

/** Tessera's own files and directories: no backup path over HTTP may name them. */
function guardedPaths(config: LocalContext['config']): string[] {
  const { database, server } = config;
  return [
    config.home,
    config.sealKeyFile,
    config.configFile,
    ...(config.logFile ? [config.logFile] : []),
    ...(database.kind === 'sqlite' ? [database.file, `${database.file}-wal`, `${database.file}-shm`, `${database.file}-journal`] : []),
    ...(server.tls ? [server.tls.certFile, server.tls.keyFile, ...(server.tls.clientCaFile ? [server.tls.clientCaFile] : [])] : []),
  ];
}

/** The ways a caller may authenticate: API tokens always; OIDC and client certificates when configured. */
function authenticatorsFor(context: LocalContext, settings: ServerSettings): Authenticator[] {
  const methods: Authenticator[] = [apiTokenAuthenticator(context.tokens)];
  if (settings.oidc) methods.push(oidcAuthenticator(settings.oidc, { now: context.now }));
  if (settings.tls?.clientCaFile !== undefined || settings.trustedProxies.length > 0)
    methods.push(clientCertificateAuthenticator(settings, { now: context.now }));
  return methods;
}

/**
 * Resolves on the first SIGINT or SIGTERM; meanwhile runs `tick` every REMINDER_CHECK_MS and
 * `hangup` on SIGHUP. Later stop signals are noted, not obeyed: npm forwards its own signal a
 * second time, and a node killed mid-drain would drop requests and leave the store unclosed;
 * the drain's own deadline (TESSERA_SHUTDOWN_GRACE_SECONDS) bounds the wait instead.
 */
function untilStopSignal(tick: () => unknown, hangup: () => unknown): { promise: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<void>((resolve) => {
    const timer = setInterval(tick, REMINDER_CHECK_MS);
    let stopping = false;
    const stop = () => {
      if (stopping) {
        process.stderr.write('Already stopping: the requests in flight finish first (within the shutdown grace period).\n');
        return;
      }
      stopping = true;
      clearInterval(timer);
      process.off('SIGHUP', hangup);
      resolve();
    };
    cancel = () => {
      stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', hangup);
  });
  return { promise, cancel };
}
