import { explainFileError, isTesseraError, withMessage } from '../errors/index.js';
import { checkOwnEntry, trustDirectory } from '../files/index.js';
import { SEAL_KEY_ROLE } from '../keys/index.js';
import { sqliteFiles } from '../store/index.js';
import type { TesseraConfig } from '../config/index.js';

export const LOG_FILE_ROLE = 'the log file';

/**
 * Creates Tessera's home (mode 0700, with any missing parents) or checks the one found:
 * it must belong to the user running Tessera, nobody else may write it, and nobody but that
 * user and root may replace it or any directory on the way (docs/home.md). Then every file of
 * Tessera's already there is checked, so a home someone else prepared is refused before
 * anything in it is created, read or written. Each opener checks again on its descriptor.
 */
export function prepareHome(config: TesseraConfig): void {
  try {
    trustDirectory(config.home, { role: "Tessera's home", create: true });
  } catch (error) {
    if (isTesseraError(error)) throw error;
    const explained = explainFileError(error, { path: config.home, action: 'write', osUser: config.osUser });
    throw withMessage(explained, `Tessera's home ${config.home} cannot be prepared: ${explained.message}`);
  }
  for (const { path, role } of tesseraFiles(config)) {
    try {
      checkOwnEntry(path, role);
    } catch (error) {
      // Only a refusal counts here; any other failure is the opener's to report, in its words.
      if (isTesseraError(error)) throw error;
    }
  }
}

function tesseraFiles(config: TesseraConfig): Array<{ path: string; role: string }> {
  return [
    { path: config.sealKeyFile, role: SEAL_KEY_ROLE },
    ...(config.logFile === null ? [] : [{ path: config.logFile, role: LOG_FILE_ROLE }]),
    ...(config.database.kind === 'sqlite' ? sqliteFiles(config.database.file) : []),
  ];
}
