/** The server's settings (src/server/settings.ts), read from the given values with their defaults. */
import { isIP } from 'node:net';
import type { OidcSettings, ServerSettings, TlsSettings } from '../server/settings.js';
import { DEFAULT_SERVER_SETTINGS } from '../server/settings.js';
import { boolean, type Given, integer, list, path, quoted, refuse, text } from './given.js';
import type { SettingKey } from './settings.js';

type Pick = (key: SettingKey) => Given | undefined;

export function serverSettings(pick: Pick): ServerSettings {
  const given = <T>(key: SettingKey, read: (g: Given) => T, fallback: T): T => {
    const value = pick(key);
    return value === undefined ? fallback : read(value);
  };
  return Object.freeze({
    listen: Object.freeze(given('listen', listenAddress, DEFAULT_SERVER_SETTINGS.listen)),
    tls: tlsSettings(pick),
    allowPlainHttp: given('allow_plain_http', boolean, DEFAULT_SERVER_SETTINGS.allowPlainHttp),
    trustedProxies: Object.freeze(given('trusted_proxies', proxies, DEFAULT_SERVER_SETTINGS.trustedProxies)),
    clientCertHeader: given('client_cert_header', headerName, DEFAULT_SERVER_SETTINGS.clientCertHeader),
    clientCertPrincipal: given('client_cert_principal', certPrincipal, DEFAULT_SERVER_SETTINGS.clientCertPrincipal),
    oidc: oidcSettings(pick),
    authFailuresPerMinute: given('auth_failures_per_minute', (g) => integer(g, 1, 100_000), DEFAULT_SERVER_SETTINGS.authFailuresPerMinute),
    shutdownGraceSeconds: given('shutdown_grace_seconds', (g) => integer(g, 0, 3600), DEFAULT_SERVER_SETTINGS.shutdownGraceSeconds),
  });
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** HOST:PORT or [IPv6]:PORT; the host is kept without brackets, as listen() takes it. */
export function listenAddress(given: Given): { host: string; port: number } {
  const value = text(given);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const hostValid = match?.[1] !== undefined ? isIP(host!) === 6 : host !== undefined && (isIP(host) === 4 || HOST_NAME.test(host));
  if (!match || !hostValid || port > 65535) {
    throw refuse(given, `is ${quoted(value)}, not HOST:PORT: give e.g. 127.0.0.1:8740, 0.0.0.0:8740 or [::1]:8740 (port 0 to 65535)`);
  }
  return { host: host!, port };
}

function tlsSettings(pick: Pick): TlsSettings | undefined {
  const cert = pick('tls_cert_file');
  const key = pick('tls_key_file');
  const clientCa = pick('tls_client_ca_file');
  if (cert === undefined && key === undefined) {
    if (clientCa !== undefined) throw refuse(clientCa, 'needs TLS: set tls_cert_file and tls_key_file (TESSERA_TLS_CERT_FILE, TESSERA_TLS_KEY_FILE) too');
    return undefined;
  }
  if (cert === undefined || key === undefined) {
    const [present, missing] = cert === undefined ? [key!, 'tls_cert_file (TESSERA_TLS_CERT_FILE)'] : [cert, 'tls_key_file (TESSERA_TLS_KEY_FILE)'];
    throw refuse(present, `is set but ${missing} is not: give both the certificate and its private key, or neither for plain HTTP`);
  }
  return Object.freeze({ certFile: path(cert), keyFile: path(key), clientCaFile: clientCa === undefined ? undefined : path(clientCa) });
}

function proxies(given: Given): string[] {
  return list(given).map((item) => {
    const [address, prefix, extra] = item.split('/');
    const version = isIP(address!);
    const bits = version === 6 ? 128 : 32;
    const prefixValid = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (version === 0 || !prefixValid || extra !== undefined) {
      throw refuse(given, `holds ${quoted(item)}, which is neither an IP address nor a CIDR block: give e.g. 10.0.0.5, 10.0.0.0/24 or fd00::/8`);
    }
    return item;
  });
}

/** An HTTP header name (RFC 9110 token), in lower case as Node presents headers. */
function headerName(given: Given): string {
  const value = text(given);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(value)) throw refuse(given, `is ${quoted(value)}, not an HTTP header name: give e.g. x-client-cert`);
  return value.toLowerCase();
}

function certPrincipal(given: Given): 'san' | 'cn' {
  const value = text(given).toLowerCase();
  if (value !== 'san' && value !== 'cn') throw refuse(given, `is ${quoted(text(given))}: give san (the subject alternative name) or cn (the common name)`);
  return value;
}

function oidcSettings(pick: Pick): OidcSettings | undefined {
  const issuersGiven = pick('oidc_issuers');
  const issuers = issuersGiven === undefined ? [] : list(issuersGiven).map((item) => issuerUrl(issuersGiven, item));
  const audience = pick('oidc_audience');
  const userClaim = pick('oidc_user_claim');
  const groupsClaim = pick('oidc_groups_claim');
  if (issuers.length === 0) {
    const stray = audience ?? userClaim ?? groupsClaim;
    if (stray !== undefined) throw refuse(stray, 'is set but no OIDC issuer is: set oidc_issuers (TESSERA_OIDC_ISSUERS) too, or remove it');
    return undefined;
  }
  if (audience === undefined || text(audience) === '') {
    throw refuse(issuersGiven!, 'needs an audience: set oidc_audience (TESSERA_OIDC_AUDIENCE) to the aud the tokens carry for Tessera');
  }
  return Object.freeze({
    issuers: Object.freeze(issuers),
    audience: boundedText(audience),
    userClaim: userClaim === undefined ? 'upn' : claimName(userClaim),
    groupsClaim: groupsClaim === undefined ? 'groups' : claimName(groupsClaim),
  });
}

/** https, or http on a loopback host (a test provider); exactly as the tokens' iss reads. */
function issuerUrl(given: Given, item: string): string {
  let url: URL | undefined;
  try {
    url = new URL(item);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname));
  if (url === undefined || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw refuse(
      given,
      `holds ${quoted(item)}, which is not an https:// URL (http:// only on a loopback address): give the issuer exactly as its tokens' iss reads`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw refuse(
      given,
      `holds ${quoted(url.origin)}... with a user, query or fragment, which an issuer URL never has: give the issuer exactly as its tokens' iss reads`,
    );
  }
  return item;
}

function boundedText(given: Given): string {
  const value = text(given);
  if (value.length > 1024 || /\p{Cc}/u.test(value)) throw refuse(given, 'must be at most 1024 characters, without control characters');
  return value;
}

function claimName(given: Given): string {
  const value = text(given);
  if (!/^[\x21-\x7e]{1,256}$/.test(value)) throw refuse(given, `is ${quoted(value)}, not a claim name: give e.g. upn, preferred_username or groups`);
  return value;
}
