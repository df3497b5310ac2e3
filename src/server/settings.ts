/**
 * What the server is told from outside (flags, TESSERA_* variables, the home's config file),
 * parsed once at the edge by config/ and frozen. docs/configuration.md lists every setting.
 */
export interface ServerSettings {
  /** Where to listen; loopback by default. */
  readonly listen: { readonly host: string; readonly port: number };
  /** TLS certificate and key (PEM files, reloaded on SIGHUP); absent means plain HTTP. */
  readonly tls: TlsSettings | undefined;
  /** Plain HTTP on an address other than loopback; refused unless the operator says so. */
  readonly allowPlainHttp: boolean;
  /** Addresses (IP or CIDR) of TLS-terminating proxies whose forwarded client certificate header is believed. */
  readonly trustedProxies: readonly string[];
  /** The header such a proxy puts the client's certificate in (URL-encoded PEM). */
  readonly clientCertHeader: string;
  /** Which part of a client certificate names the principal. */
  readonly clientCertPrincipal: 'san' | 'cn';
  /** OpenID Connect issuers whose bearer tokens are accepted; absent means none. */
  readonly oidc: OidcSettings | undefined;
  /** Failed authentications per source address and minute before it is refused with 429. */
  readonly authFailuresPerMinute: number;
  /** How long a stop waits for requests in flight. */
  readonly shutdownGraceSeconds: number;
}

export interface TlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA bundle that client certificates must chain to; absent means client certificates are not asked for. */
  readonly clientCaFile: string | undefined;
}

export interface OidcSettings {
  /** Issuer URLs, exactly as their tokens' `iss` reads. */
  readonly issuers: readonly string[];
  /** The `aud` a token must carry. */
  readonly audience: string;
  /** The claim that names the principal (`user@domain` or `DOMAIN\user`). */
  readonly userClaim: string;
  /** The claim that lists the principal's groups. */
  readonly groupsClaim: string;
}

/** Loopback and an unused well-known range; docs/configuration.md documents the port. */
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8740 } as const;

export const DEFAULT_SERVER_SETTINGS: ServerSettings = Object.freeze({
  listen: DEFAULT_LISTEN,
  tls: undefined,
  allowPlainHttp: false,
  trustedProxies: [],
  clientCertHeader: 'x-client-cert',
  clientCertPrincipal: 'san',
  oidc: undefined,
  authFailuresPerMinute: 10,
  shutdownGraceSeconds: 10,
});
