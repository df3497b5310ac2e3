/**
 * Every setting Tessera reads from outside: its environment variable, its key in the home's
 * configuration file, and what kind of value it takes. docs/configuration.md documents each.
 */
export type SettingKind = 'text' | 'path' | 'list' | 'boolean' | 'integer';

export interface SettingSpec {
  readonly env: `TESSERA_${string}`;
  readonly kind: SettingKind;
  /** One line for the environment listing. */
  readonly doc: string;
}

/** Keyed by the name in the configuration file (the variable's name without TESSERA_, in lower case). */
export const SETTINGS = {
  database_url: {
    env: 'TESSERA_DATABASE_URL',
    kind: 'text',
    doc: 'postgres://user@host:port/db selects PostgreSQL; unset means the SQLite file <home>/tessera.db.',
  },
  database_schema: { env: 'TESSERA_DATABASE_SCHEMA', kind: 'text', doc: "PostgreSQL schema to use (created if missing). Default: the server's search_path." },
  seal_key_file: { env: 'TESSERA_SEAL_KEY_FILE', kind: 'path', doc: 'Seal key file. Default <home>/seal.key.' },
  log_file: { env: 'TESSERA_LOG_FILE', kind: 'path', doc: 'JSON log file, or "-" for standard error. Default <home>/tessera.log.' },
  backup_kdf: {
    env: 'TESSERA_BACKUP_KDF',
    kind: 'text',
    doc: 'Argon2id parameters for new backups, e.g. "memoryKiB=262144,iterations=4,parallelism=4".',
  },
  listen: { env: 'TESSERA_LISTEN', kind: 'text', doc: 'Where the server listens: HOST:PORT or [IPv6]:PORT. Default 127.0.0.1:8740.' },
  tls_cert_file: { env: 'TESSERA_TLS_CERT_FILE', kind: 'path', doc: "The server's TLS certificate chain (PEM); needs TESSERA_TLS_KEY_FILE." },
  tls_key_file: { env: 'TESSERA_TLS_KEY_FILE', kind: 'path', doc: "The server's TLS private key (PEM); needs TESSERA_TLS_CERT_FILE." },
  tls_client_ca_file: { env: 'TESSERA_TLS_CLIENT_CA_FILE', kind: 'path', doc: 'CA bundle (PEM) client certificates must chain to; asks clients for one.' },
  allow_plain_http: { env: 'TESSERA_ALLOW_PLAIN_HTTP', kind: 'boolean', doc: 'yes: allow plain HTTP on an address other than loopback. Default no.' },
  trusted_proxies: {
    env: 'TESSERA_TRUSTED_PROXIES',
    kind: 'list',
    doc: "IPs or CIDRs of TLS-terminating proxies whose client certificate header is believed, separated by ','.",
  },
  client_cert_header: {
    env: 'TESSERA_CLIENT_CERT_HEADER',
    kind: 'text',
    doc: "The header such a proxy puts the client's certificate in. Default x-client-cert.",
  },
  client_cert_principal: {
    env: 'TESSERA_CLIENT_CERT_PRINCIPAL',
    kind: 'text',
    doc: 'san or cn: which part of a client certificate names the principal. Default san.',
  },
  oidc_issuers: { env: 'TESSERA_OIDC_ISSUERS', kind: 'list', doc: "OpenID Connect issuer URLs (https) whose bearer tokens are accepted, separated by ','." },
  oidc_audience: { env: 'TESSERA_OIDC_AUDIENCE', kind: 'text', doc: 'The aud a bearer token must carry; required with TESSERA_OIDC_ISSUERS.' },
  oidc_user_claim: { env: 'TESSERA_OIDC_USER_CLAIM', kind: 'text', doc: 'The token claim that names the principal. Default upn.' },
  oidc_groups_claim: { env: 'TESSERA_OIDC_GROUPS_CLAIM', kind: 'text', doc: "The token claim that lists the principal's groups. Default groups." },
  auth_failures_per_minute: {
    env: 'TESSERA_AUTH_FAILURES_PER_MINUTE',
    kind: 'integer',
    doc: 'Failed authentications per address and minute before it is refused (429). Default 10.',
  },
  shutdown_grace_seconds: {
    env: 'TESSERA_SHUTDOWN_GRACE_SECONDS',
    kind: 'integer',
    doc: 'How long a stopping server waits for requests in flight. Default 10.',
  },
  addr: { env: 'TESSERA_ADDR', kind: 'text', doc: 'Clients: the Tessera server to talk to, http(s)://host[:port].' },
  cacert: { env: 'TESSERA_CACERT', kind: 'path', doc: "Clients: CA bundle (PEM) to trust for the server's certificate." },
  token_file: { env: 'TESSERA_TOKEN_FILE', kind: 'path', doc: 'Clients: file holding the API token to present.' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** database_url -> databaseUrl: the name commander gives a --database-url option. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** Settings a command may also take as a flag; never a secret (argv is visible to every user). */
export type FlagKey = Exclude<SettingKey, 'database_url'>;
export type FlagName = Camel<FlagKey>;

export function flagName(key: FlagKey): FlagName {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as FlagName;
}

/** What a command passes from its own options (commander's opts() fit): --home, and any setting it offers as a flag. */
export type ConfigFlags = { readonly home?: string | undefined } & { readonly [F in FlagName]?: string | boolean | undefined };

/** The environment variables Tessera reads; documented in docs/configuration.md. */
export const ENVIRONMENT = {
  TESSERA_HOME: 'Directory of the embedded default (database, seal key, log) and of tessera.toml. Default ~/.tessera.',
  ...(Object.fromEntries(SETTING_KEYS.map((key) => [SETTINGS[key].env, SETTINGS[key].doc])) as { [K in SettingKey as (typeof SETTINGS)[K]['env']]: string }),
  TESSERA_TOKEN: 'Clients: the API token itself (prefer TESSERA_TOKEN_FILE). Never printed.',
  TESSERA_TEST_CRASH_AT: 'Testing only: kill the process with SIGKILL at the named step.',
} as const;

export type Environment = Partial<Record<keyof typeof ENVIRONMENT, string>>;
