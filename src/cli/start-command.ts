import type { Command } from 'commander';
import { isTesseraError } from '../errors/index.js';
import { describeDatabase } from '../store/index.js';
import type { CliContext } from './context.js';
import { type GlobalOptions, runCommand } from './run.js';

/** How often the running node checks whether the daily 10589 reminder is due. */
const REMINDER_CHECK_MS = 60 * 60 * 1000;

/**
 * `tessera start`: runs this node in the foreground. On a fresh home it creates the vault;
 * it unseals the keyring to prove it can, nags (10589) while the current master secret has no
 * backup, and stops cleanly on SIGINT/SIGTERM. The HTTP API joins here in a later release.
 */
export function addStartCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('run this Tessera node in the foreground (creates the vault on first start)')
    .action(() => runCommand(globals(), (context) => runNode(context)));
}

async function runNode(context: CliContext): Promise<void> {
  const { secrets, events, config } = context;
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
  const stopped = untilStopSignal(() =>
    secrets.remindBackupIfNeeded({ atStart: false }).catch((error: unknown) => context.logger.error({ err: error }, 'backup reminder failed')),
  );
  await events.emit(10502, {}, `Tessera ${config.computerName} started: vault ${status.vaultId}, master secret ${status.currentMsid}.`);
  process.stdout.write(`Tessera is running (vault ${status.vaultId}). Press Ctrl-C to stop.\n`);
  await stopped;
  await events.emit(10504, {});
  await events.emit(10505, {});
  process.stdout.write('Tessera stopped.\n');
}

/** Resolves on SIGINT or SIGTERM; meanwhile runs `tick` every REMINDER_CHECK_MS. */
function untilStopSignal(tick: () => unknown): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(tick, REMINDER_CHECK_MS);
    const stop = () => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
