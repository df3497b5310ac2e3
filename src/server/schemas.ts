/**
 * Every request and response body of the API, declared once: fastify validates requests with
 * them (unknown fields refused), serialises responses with them, and /v1/openapi.json is made
 * from them. Lengths repeat the vault's limits so an oversized value is refused before the
 * service sees it; the service still checks everything (its rules hold for every front end).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { LIMITS } from '../vault/index.js';

const strict = { additionalProperties: false } as const;

const Account = Type.String({ minLength: 1, maxLength: LIMITS.accountLength, description: '`DOMAIN\\user`, `user@domain` or a group' });
const Accounts = Type.Array(Account, { maxItems: 256 });
const Name = Type.String({ minLength: 1, maxLength: LIMITS.nameLength });
const Text = Type.String({ maxLength: LIMITS.textLength });
const Timestamp = Type.String({ description: 'ISO 8601' });
/** A credential field or config value: at most LIMITS.valueBytes UTF-8 bytes, which is at most that many characters. */
const Value = Type.String({ maxLength: LIMITS.valueBytes });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable code from docs/errors.md' }),
      message: Type.String({ description: 'what happened and what to do; the same text the CLI prints' }),
      event: Type.Union([Type.Integer(), Type.Null()], { description: 'the ENTSSO event ID, where there is one' }),
      correlationId: Type.Optional(Type.String({ description: 'for an unexpected failure: quote it to find the details in the log' })),
    }),
  },
  { $id: 'Error' },
);

const FlagProperties = {
  enableApp: Type.Boolean(),
  groupApp: Type.Boolean(),
  configStoreApp: Type.Boolean(),
  hostInitiatedSSO: Type.Boolean(),
  windowsInitiatedSSO: Type.Boolean(),
  validatePassword: Type.Boolean(),
  allowTickets: Type.Boolean(),
  validateTickets: Type.Boolean(),
  timeoutTickets: Type.Boolean(),
  allowLocalAccounts: Type.Boolean(),
  adminAccountSame: Type.Boolean(),
  disableCredCache: Type.Boolean(),
};
export const Flags = Type.Object(FlagProperties, strict);
export const FlagChanges = Type.Partial(Type.Object(FlagProperties, strict));

export const Field = Type.Object(
  {
    ordinal: Type.Integer({ minimum: 0, maximum: LIMITS.fields }),
    label: Type.String({ minLength: 1, maxLength: LIMITS.labelLength }),
    masked: Type.Boolean(),
    sync: Type.Boolean(),
  },
  strict,
);

const ApplicationType = Type.Union([Type.Literal('individual'), Type.Literal('group'), Type.Literal('hostGroup'), Type.Literal('configStore')]);
const TicketTimeout = Type.Union([Type.Integer({ minimum: LIMITS.ticketMinutes.min, maximum: LIMITS.ticketMinutes.max }), Type.Null()]);

export const Application = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: ApplicationType,
    description: Type.String(),
    contact: Type.String(),
    userAccounts: Type.Array(Type.String()),
    adminAccounts: Type.Array(Type.String()),
    windowsAccount: Type.Union([Type.String(), Type.Null()]),
    fields: Type.Array(Field),
    flags: Flags,
    ticketTimeoutMinutes: TicketTimeout,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: Type.Integer(),
  },
  { description: 'an affiliate application' },
);

/** A new application, as an ENTSSO applications file defines one; omitted parts take ENTSSO's defaults. */
export const NewApplication = Type.Object(
  {
    name: Name,
    type: Type.Optional(ApplicationType),
    description: Type.Optional(Text),
    contact: Type.Optional(Text),
    userAccounts: Accounts,
    adminAccounts: Accounts,
    windowsAccount: Type.Optional(Type.Union([Account, Type.Null()])),
    fields: Type.Optional(Type.Array(Field, { maxItems: LIMITS.fields + 1 })),
    flags: Type.Optional(FlagChanges),
    ticketTimeoutMinutes: Type.Optional(TicketTimeout),
  },
  strict,
);

export const ApplicationChanges = Type.Object(
  {
    description: Type.Optional(Text),
    contact: Type.Optional(Text),
    userAccounts: Type.Optional(Accounts),
    adminAccounts: Type.Optional(Accounts),
    windowsAccount: Type.Optional(Type.Union([Account, Type.Null()])),
    flags: Type.Optional(FlagChanges),
    ticketTimeoutMinutes: Type.Optional(TicketTimeout),
  },
  strict,
);

export const Enabled = Type.Object({ enabled: Type.Boolean() }, strict);

export const Mapping = Type.Object(
  {
    id: Type.String(),
    application: Type.String(),
    account: Type.String(),
    externalUser: Type.String(),
    enabled: Type.Boolean(),
    hasCredentials: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'a mapping of an enterprise account to an external account' },
);

export const NewMapping = Type.Object({ account: Account, externalUser: Type.String({ minLength: 1, maxLength: LIMITS.externalUserLength }) }, strict);

/** Credential values travel only in bodies: fields 1..n in order. */
export const CredentialValues = Type.Object({ values: Type.Array(Value, { minItems: 1, maxItems: LIMITS.fields }) }, strict);

export const Credentials = Type.Object(
  {
    application: Type.String(),
    account: Type.String(),
    externalUser: Type.String(),
    fields: Type.Array(Type.Object({ label: Type.String(), value: Type.String() })),
  },
  { description: 'looked-up credentials: fields 1..n by label' },
);

export const LookupRequest = Type.Object(
  {
    account: Type.Optional(Account),
    /** Host-initiated: which enterprise account this external user stands for. */
    externalUser: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.externalUserLength })),
    password: Type.Optional(Value),
  },
  strict,
);

export const HostLookup = Type.Object({ application: Type.String(), account: Type.String(), externalUser: Type.String() });

export const ConfigValues = Type.Record(Type.String({ maxLength: LIMITS.labelLength }), Value, { maxProperties: LIMITS.fields });
export const ConfigRequest = Type.Object({ values: ConfigValues }, strict);
export const ConfigResponse = Type.Object({ application: Type.String(), identifier: Type.String(), values: ConfigValues });

export const PurgeRequest = Type.Object({ application: Type.Optional(Name) }, strict);
export const TicketRequest = Type.Object({ application: Type.Optional(Name) }, strict);
export const Ticket = Type.Object({ ticket: Type.String(), expiresAt: Timestamp });
export const RedeemRequest = Type.Object({ application: Name, ticket: Type.String({ minLength: 1, maxLength: 4096 }), sender: Type.Optional(Account) }, strict);

export const GlobalInfo = Type.Object(
  {
    ssoAdminAccounts: Type.Array(Type.String()),
    affiliateAdminAccounts: Type.Array(Type.String()),
    ticketsAllowed: Type.Boolean(),
    ticketsValidate: Type.Boolean(),
    ticketTimeoutMinutes: Type.Integer(),
    credCacheTimeoutMinutes: Type.Integer(),
    secretServer: Type.String(),
    auditDeletedApps: Type.Integer(),
    auditDeletedMappings: Type.Integer(),
    auditCredentialLookups: Type.Integer(),
    ssoEnabled: Type.Boolean({ description: 'false while an SSO administrator has SSO disabled: lookups, tickets and runtime config reads are refused' }),
    auditPositive: Type.Integer({ description: 'ssoconfig -auditlevel: audit level of successful operations, 0-3 (stored; not used yet)' }),
    auditNegative: Type.Integer({ description: 'ssoconfig -auditlevel: audit level of failed operations, 0-3 (stored; not used yet)' }),
  },
  { description: 'the SSO system settings (ENTSSO global info)' },
);
export const GlobalChanges = Type.Partial(
  Type.Object(
    {
      ssoAdminAccounts: Accounts,
      affiliateAdminAccounts: Accounts,
      ticketsAllowed: Type.Boolean(),
      ticketsValidate: Type.Boolean(),
      ticketTimeoutMinutes: Type.Integer({ minimum: LIMITS.ticketMinutes.min, maximum: LIMITS.ticketMinutes.max }),
      credCacheTimeoutMinutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
      secretServer: Type.String({ maxLength: LIMITS.identifierLength }),
      auditDeletedApps: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      auditDeletedMappings: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      auditCredentialLookups: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      ssoEnabled: Type.Boolean(),
      auditPositive: Type.Integer({ minimum: 0, maximum: 3 }),
      auditNegative: Type.Integer({ minimum: 0, maximum: 3 }),
    },
    strict,
  ),
);

const Password = Type.String({ minLength: 1, maxLength: 256 });
const ServerPath = Type.String({ minLength: 1, maxLength: 4096, description: "an absolute path on the server, written or read as the server's OS user" });

export const BackupRequest = Type.Object(
  {
    /** Where to write it on the server; omitted: the file is returned in the response (a download). */
    file: Type.Optional(ServerPath),
    force: Type.Optional(Type.Boolean()),
    password: Password,
    reminder: Type.Optional(Type.Union([Type.String({ maxLength: 512 }), Type.Null()])),
  },
  strict,
);
export const GenerateRequest = BackupRequest;

/** A backup file, given either as a path on the server or as its bytes (base64). */
export const BackupSourceRequest = Type.Object(
  {
    file: Type.Optional(ServerPath),
    // Base64 of at most 1 MiB, the largest backup file (keys/backup-file.ts MAX_BACKUP_BYTES).
    content: Type.Optional(
      Type.String({ maxLength: 1_398_104, pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'the backup file, base64 (at most 1 MiB decoded)' }),
    ),
    password: Password,
    force: Type.Optional(Type.Boolean()),
  },
  strict,
);

const Msids = {
  vaultId: Type.String(),
  currentMsid: Type.String(),
  previousMsid: Type.Union([Type.String(), Type.Null()]),
  msids: Type.Array(Type.String()),
};
export const BackupResult = Type.Object({
  file: Type.Union([Type.String(), Type.Null()], { description: 'null for a download' }),
  ...Msids,
  trackingId: Type.Optional(Type.String()),
  content: Type.Optional(Type.String({ description: 'the backup file, base64, when no server path was given' })),
});
export const VerifyResult = Type.Object({
  file: Type.Union([Type.String(), Type.Null()]),
  ...Msids,
  createdAt: Timestamp,
  createdBy: Type.String(),
  reminder: Type.Union([Type.String(), Type.Null()]),
  coversCurrent: Type.Union([Type.Boolean(), Type.Null()]),
});
export const RestoreResult = Type.Object({
  file: Type.Union([Type.String(), Type.Null()]),
  ...Msids,
  createdVault: Type.Boolean(),
  newSealKey: Type.Boolean(),
});

const SecretFacts = Type.Object({ msid: Type.String(), createdAt: Timestamp, createdBy: Type.String() });
export const SecretStatus = Type.Object({
  vaultId: Type.String(),
  store: Type.String(),
  seal: Type.String(),
  currentMsid: Type.String(),
  previousMsid: Type.Union([Type.String(), Type.Null()]),
  current: SecretFacts,
  previous: Type.Array(SecretFacts),
  backupRequired: Type.Boolean(),
  backups: Type.Array(
    Type.Object({
      vaultId: Type.String(),
      msid: Type.String(),
      msids: Type.Array(Type.String()),
      file: Type.String(),
      kind: Type.String(),
      verifiedAt: Timestamp,
      clientUser: Type.String(),
      coversCurrent: Type.Boolean(),
    }),
  ),
});

export const Whoami = Type.Object({ name: Type.String(), groups: Type.Array(Type.String()) }, { description: 'the authenticated caller' });

export const Event = Type.Object({
  seq: Type.Integer(),
  id: Type.Integer(),
  symbol: Type.String(),
  severity: Type.String(),
  time: Timestamp,
  params: Type.Record(Type.String(), Type.String()),
  message: Type.String(),
});
export const EventQuery = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
    since: Type.Optional(Type.String({ maxLength: 40 })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  },
  strict,
);

export const Health = Type.Object({
  live: Type.Boolean(),
  ready: Type.Boolean(),
  sealed: Type.Boolean(),
  storeReachable: Type.Boolean(),
  vaultId: Type.Union([Type.String(), Type.Null()]),
  currentMsid: Type.Union([Type.String(), Type.Null()]),
  /** ENTSSO's 10589 condition: the current master secret has no verified backup. */
  backupRequired: Type.Union([Type.Boolean(), Type.Null()]),
  lastVerifiedBackupAt: Type.Union([Timestamp, Type.Null()]),
  problem: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});

export const TokenInfo = Type.Object({
  id: Type.String(),
  account: Type.String(),
  groups: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  createdBy: Type.String(),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
});
export const Token = Type.Object({
  token: Type.String({ description: 'the token itself: shown here only, keep it in a secret manager' }),
  id: Type.String(),
  account: Type.String(),
  groups: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export const NewToken = Type.Object(
  {
    account: Account,
    groups: Type.Optional(Type.Array(Account, { maxItems: 64 })),
    expiresAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601; absent: until revoked' })),
    description: Type.Optional(Text),
  },
  strict,
);
export const TokenParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict);

export const NameParams = Type.Object({ name: Name }, strict);
export const MappingParams = Type.Object({ name: Name, account: Account }, strict);
export const ConfigParams = Type.Object({ name: Name, identifier: Type.String({ minLength: 1, maxLength: LIMITS.identifierLength }) }, strict);
/** A string that must be one of `values`: refused with the values listed (a union of literals would only say "must be equal to constant"). */
const OneOf = <T extends string>(...values: T[]) => Type.Unsafe<T>({ type: 'string', enum: values });

export const AllQuery = Type.Object({ all: Type.Optional(OneOf('true', 'false')) }, strict);
export const MappingQuery = Type.Object({ account: Type.Optional(Account) }, strict);
export const ConfigQuery = Type.Object({ mode: Type.Optional(OneOf('admin', 'runtime')) }, strict);

/** Every response that can fail says so the same way. */
export function responses(ok: Record<number, TSchema>): Record<number, TSchema> {
  const error = Type.Ref('Error');
  return { ...ok, 400: error, 401: error, 403: error, 404: error, 409: error, 429: error, 500: error, 503: error };
}

export type NewApplicationBody = Static<typeof NewApplication>;
export type ApplicationChangesBody = Static<typeof ApplicationChanges>;
