/**
 * Every failure code Tessera reports, with its HTTP status and the ENTSSO event an
 * operator sees for it. Wording lives with the code that knows the details (file names,
 * MSIDs); this table decides everything else, so front ends render failures alike.
 * docs/errors.md is checked against it by a test.
 */
export interface ErrorEntry {
  readonly status: number;
  /** The ENTSSO error-code event this failure corresponds to, where there is one. */
  readonly event?: number;
  /** One line for docs/errors.md. */
  readonly summary: string;
}

export const errorCatalog = {
  // File system codes, as the operating system reports them.
  EACCES: { status: 403, summary: 'Permission denied on a file or directory.' },
  EPERM: { status: 403, summary: 'The operation is not permitted on this file or file system.' },
  ENOENT: { status: 404, summary: 'A file or directory does not exist.' },
  ENOTDIR: { status: 400, summary: 'A part of the path that should be a directory is a file.' },
  EISDIR: { status: 400, summary: 'The path names a directory where a file is needed.' },
  EEXIST: { status: 409, summary: 'The target file exists and --force was not given.' },
  ENAMETOOLONG: { status: 400, summary: 'The path or one of its names is longer than the file system allows.' },
  ENOSPC: { status: 507, summary: 'The file system is full.' },
  EDQUOT: { status: 507, summary: 'The disk quota of the user is exhausted.' },
  EROFS: { status: 409, summary: 'The file system is mounted read-only.' },
  ELOOP: { status: 400, summary: 'The path has too many symbolic links.' },
  EIO: { status: 500, summary: 'The device reported an input/output error.' },
  EFBIG: { status: 507, summary: 'The file is larger than the file system allows.' },

  // Passwords and reminders for backup files.
  PASSWORD_POLICY: { status: 400, event: 10836, summary: 'The backup password is too short, too simple or too common.' },
  PASSWORD_TOO_LONG: { status: 400, event: 10839, summary: 'The backup password is longer than 256 characters.' },
  PASSWORD_MISMATCH: { status: 400, summary: 'The password was typed differently the second time.' },
  PASSWORD_REQUIRED: { status: 400, summary: 'No password was given and there is no terminal to ask for one.' },
  REMINDER_TOO_LONG: { status: 400, event: 10840, summary: 'The password reminder is longer than 512 characters.' },
  REMINDER_REVEALS_PASSWORD: { status: 400, summary: 'The password reminder (stored in clear) contains the password.' },

  // Reading backup files.
  WRONG_PASSWORD: { status: 400, event: 10779, summary: 'The password does not open this backup file.' },
  BACKUP_NOT_A_BACKUP: { status: 400, event: 10564, summary: 'The file is not a Tessera master secret backup.' },
  BACKUP_UNSUPPORTED_VERSION: { status: 400, event: 10564, summary: 'The backup file was written in a format this Tessera does not read.' },
  BACKUP_TRUNCATED: { status: 400, event: 10564, summary: 'The backup file is shorter than its header says: it was cut off.' },
  BACKUP_DAMAGED: { status: 400, event: 10564, summary: 'The backup file was changed or damaged after it was written.' },
  BACKUP_UNSAFE_PARAMETERS: { status: 400, event: 10564, summary: 'The backup file asks for key-derivation parameters outside the safe range.' },
  BACKUP_VERIFY_FAILED: { status: 500, summary: 'The backup file read back from disk differs from what was written.' },

  // Restoring.
  FOREIGN_VAULT: { status: 409, event: 10815, summary: 'The backup belongs to another vault.' },
  STALE_BACKUP: { status: 409, event: 10815, summary: 'The backup lacks the vault\'s current master secret.' },
  SECRET_MISMATCH: { status: 409, event: 10815, summary: 'The backup holds a different secret under an MSID the vault knows.' },

  // The vault and its seal.
  NO_VAULT: { status: 404, summary: 'There is no vault here yet.' },
  VAULT_EXISTS: { status: 409, summary: 'A vault already exists here.' },
  KEYRING_CHANGED: { status: 409, summary: 'Another writer changed the keyring at the same time.' },
  SEAL_KEY_MISSING: { status: 500, event: 10520, summary: 'The seal key file that unseals the keyring is missing.' },
  SEAL_KEY_INVALID: { status: 500, summary: 'The seal key file is not a Tessera seal key.' },
  SEAL_KEY_EXPOSED: { status: 500, summary: 'The seal key file can be read by other users.' },
  SEAL_MISMATCH: { status: 500, event: 10521, summary: 'The seal key does not open the keyring stored in the database.' },
  DECRYPTION_FAILED: { status: 500, summary: 'Encrypted data could not be decrypted (wrong key, damaged, or moved).' },

  // The database.
  STORE_CONFIG: { status: 500, summary: 'The database settings do not work (unknown kind, no usable PostgreSQL schema).' },
  STORE_MIGRATION_FAILED: { status: 500, event: 10513, summary: 'The database schema could not be brought up to date.' },
  SQLITE_NO_WAL: { status: 500, summary: 'SQLite cannot use write-ahead logging on this file system.' },
  INVALID_QUERY: { status: 400, summary: 'A query to the store has an invalid argument (e.g. a negative limit).' },

  // Input and configuration.
  INVALID_ARGUMENT: { status: 400, summary: 'A command-line argument or setting is not valid.' },
  INTERNAL: { status: 500, summary: 'An unexpected failure; the log has the details.' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalog, code);
}
