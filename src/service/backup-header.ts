import { type BackupInfo, backupInfo, parseBackup } from '../keys/index.js';

export type { BackupInfo };

/**
 * What a backup file says in clear (vault, MSID, creator, reminder), read without its password:
 * a client shows it before asking for the password, as the local restore and verify do. Throws
 * the same BACKUP_* failures as reading the file for a restore.
 */
export function backupHeaderOf(bytes: Buffer, file: string): BackupInfo {
  return backupInfo(parseBackup(bytes, file).header);
}
