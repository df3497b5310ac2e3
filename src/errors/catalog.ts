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
  STALE_BACKUP: { status: 409, event: 10815, summary: "The backup lacks the vault's current master secret." },
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
  SEAL_KEY_STRAY: { status: 409, summary: 'tessera init found a seal key but no vault, and does not adopt a key it did not create.' },
  UNSAFE_FILE: {
    status: 500,
    summary: "A file or directory of Tessera's belongs to another user, others may write it, or it is a link: someone else could plant or swap it.",
  },

  // The database.
  STORE_CONFIG: { status: 500, summary: 'The database settings do not work (unknown kind, no usable PostgreSQL schema).' },
  STORE_MIGRATION_FAILED: { status: 500, event: 10513, summary: 'The database schema could not be brought up to date.' },
  SQLITE_NO_WAL: { status: 500, summary: 'SQLite cannot use write-ahead logging on this file system.' },
  INVALID_QUERY: { status: 400, summary: 'A query to the store has an invalid argument (e.g. a negative limit).' },

  // Affiliate applications, access and tickets (the vault).
  // NO_APP is here (not with the store's codes) because authorization answers with it too.
  NO_APP: { status: 404, event: 10756, summary: 'No affiliate application has that name, or the caller may not see it.' },
  NO_MAPPING: { status: 404, event: 10757, summary: 'The account has no mapping for the application.' },
  APP_EXISTS: { status: 409, event: 10752, summary: 'An affiliate application with that name (ignoring case) already exists.' },
  APP_CHANGED: { status: 409, summary: 'Another writer changed the application at the same time.' },
  // One event for both sides; ENTSSO also logs the side as 11045 (account) or 11046 (external user).
  MAPPING_EXISTS: { status: 409, event: 10753, summary: 'The application already maps that account, or that external user.' },
  APP_NAME_INVALID: { status: 400, summary: 'The application name is empty, too long, has slashes, or spaces other than one between words.' },
  APP_INVALID: { status: 400, summary: 'The application definition breaks a rule (fields, accounts, host group account).' },
  APP_INVALID_FLAGS: { status: 400, event: 10782, summary: 'The application flags conflict with each other or with its type.' },
  APP_INCOMPLETE_FIELDS: { status: 400, event: 10769, summary: 'The application fields are not numbered 0..n-1, so it cannot be created or enabled.' },
  APP_IMMUTABLE: { status: 409, event: 10566, summary: 'An update tried to change the name, type, fields or a creation-only flag.' },
  APP_DISABLED: { status: 409, event: 10755, summary: 'The application is disabled.' },
  ACCOUNT_INVALID: { status: 400, event: 10776, summary: 'An account name is not DOMAIN\\name or name@domain, or is a built-in account.' },
  ACCESS_DENIED: { status: 403, event: 10842, summary: 'The caller may see the application but not do this to it.' },
  FIELD_TOO_LONG: { status: 400, summary: 'A text, credential field or config value is longer than allowed.' },
  FIELD_COUNT: { status: 400, summary: 'Credentials or config values do not match the application fields.' },
  MAPPING_DISABLED: { status: 409, event: 10764, summary: 'The mapping is disabled.' },
  NO_CREDENTIALS: { status: 404, event: 10765, summary: 'The mapping has no credentials yet.' },
  NO_CONFIG: { status: 404, event: 10757, summary: 'The config store has no entry under that identifier.' },
  HOST_SSO_NOT_ENABLED: { status: 409, event: 10809, summary: 'Host-initiated SSO is not enabled for the application.' },
  HOST_CREDENTIALS_INVALID: { status: 403, event: 10810, summary: 'The password presented by the external user does not match the stored one.' },
  // Windows-initiated SSO has no error code of its own in ENTSSO: 10755 (refused because the
  // application is disabled) is the closest, as the application is off for that direction.
  WINDOWS_SSO_NOT_ENABLED: { status: 409, event: 10755, summary: 'Windows-initiated SSO (lookups by Windows account, tickets) is off for the application.' },
  // The SSO switch (ssomanage -enablesso / -disablesso).
  SSO_DISABLED: { status: 409, event: 10754, summary: 'The SSO system is disabled: lookups, tickets and runtime config reads are refused.' },
  SSO_MUST_BE_DISABLED: {
    status: 409,
    event: 10773,
    summary: 'The SSO Administrators or SSO Affiliate Administrators account can change only while the SSO system is disabled.',
  },
  TICKETS_NOT_ALLOWED: { status: 409, event: 10539, summary: 'Tickets are not allowed for the system or the application.' },
  TICKET_TIMEOUT_INVALID: { status: 400, event: 10614, summary: 'A ticket lifetime is outside 1 to 525,600 minutes.' },
  TICKET_MALFORMED: { status: 400, event: 10593, summary: 'The text given is not a Tessera ticket.' },
  TICKET_INVALID: { status: 400, event: 10592, summary: 'The ticket was not issued by this vault or was altered.' },
  TICKET_EXPIRED: { status: 409, event: 10790, summary: 'The ticket lifetime has passed.' },
  TICKET_REDEEMED: { status: 409, summary: 'The ticket was already redeemed: tickets are single use.' },
  TICKET_ISSUER_MISMATCH: { status: 403, event: 10594, summary: 'Validate-and-redeem: the sender is not who the ticket was issued to.' },

  // Input and configuration.
  INVALID_ARGUMENT: { status: 400, summary: 'A command-line argument or setting is not valid.' },
  XML_INVALID: { status: 400, summary: 'An ENTSSO XML file (applications, mappings, global info) is not well-formed or breaks a rule of the format.' },
  INTERNAL: { status: 500, summary: 'An unexpected failure; the log has the details.' },
  TEXT_INVALID: {
    status: 400,
    summary:
      'A name, identifier, label or text holds a control, bidirectional or invisible formatting character, is not valid Unicode, or (names) is not in NFC.',
  },
  INPUT_TOO_LARGE: { status: 413, summary: 'An input file or standard input is larger than its documented maximum.' },
  // The server and its clients.
  UNAUTHENTICATED: {
    status: 401,
    event: 10613,
    summary: 'The request carries no valid credentials: an API token, an OIDC bearer token or a client certificate.',
  },
  AUTH_RATE_LIMITED: { status: 429, summary: 'Too many failed authentications from this address in the last minute.' },
  ROUTE_NOT_FOUND: { status: 404, summary: 'No API route has that method and path.' },
  REQUEST_INVALID: { status: 400, summary: 'An HTTP request body, parameter or header does not match its schema (unknown field, wrong type, too long).' },
  TOKEN_NOT_FOUND: { status: 404, summary: 'No API token has that id, or it was already revoked.' },
  SHUTTING_DOWN: { status: 503, summary: 'The server is stopping and takes no new requests.' },
  TLS_INVALID: { status: 400, summary: 'The TLS certificate, key or client CA file cannot be used.' },
  CONFIG_INVALID: { status: 400, summary: "The home's configuration file is not valid: bad syntax, an unknown key or a wrong value." },
  SERVER_UNREACHABLE: {
    status: 503,
    summary: 'The Tessera server named by --server or TESSERA_ADDR could not be reached or did not answer as a Tessera server.',
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalog, code);
}
