import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type RemoteJWKSet } from 'jose';
import { isIP } from 'node:net';
import { fail, isTesseraError, type TesseraError } from '../../errors/index.js';
import type { Principal } from '../../service/index.js';
import { isAccountName } from '../../vault/index.js';
import type { OidcSettings } from '../settings.js';
import type { Authenticator, Credentials } from './authenticator.js';

/** Longer bearer tokens are refused before anything decodes them. */
export const MAX_BEARER_TOKEN_LENGTH = 16 * 1024;
const MAX_DISCOVERY_BYTES = 64 * 1024;
const MAX_JWKS_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** Seconds a token's exp and nbf may be off by, for clocks that drift apart. */
export const OIDC_CLOCK_TOLERANCE_SECONDS = 30;
/** An unknown key id fetches the issuer's keys again at most this often (a rotation is picked up; a flood of made-up kids is not a flood of fetches). */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;
/** Keys are fetched again when this old, even without an unknown key id. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;

/** Asymmetric signatures only: never HS* (whoever knows a public key could sign) and never `none`. */
export const OIDC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface OidcOptions {
  /** The one clock: exp, nbf and the key refetch cooldown are judged by it. */
  now(): Date;
  /** How discovery documents and key sets are fetched; the global fetch by default. */
  fetch?: Fetch;
}

interface IssuerKeys {
  readonly resolver: RemoteJWKSet;
  /** When (by the injected clock) the keys were last fetched. */
  fetchedAt: number | undefined;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^bearer +/i;

/**
 * Bearer JWTs from configured OpenID Connect issuers. An API token (`tsr_...`) or anything that
 * is not three base64url parts is not ours (undefined); a JWT that fails any check is refused with
 * UNAUTHENTICATED, saying why in general terms and never repeating the token.
 */
export function oidcAuthenticator(settings: OidcSettings, options: OidcOptions): Authenticator {
  checkSettings(settings);
  const fetchImpl: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const keysByIssuer = new Map<string, Promise<IssuerKeys>>();

  function keysOf(issuer: string): Promise<IssuerKeys> {
    const known = keysByIssuer.get(issuer);
    if (known !== undefined) return known;
    const discovering = discover(issuer);
    keysByIssuer.set(issuer, discovering);
    // A failed discovery is not remembered: the next token asks again.
    void discovering.catch(() => {
      if (keysByIssuer.get(issuer) === discovering) keysByIssuer.delete(issuer);
    });
    return discovering;
  }

  async function discover(issuer: string): Promise<IssuerKeys> {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const document = parseJson(issuer, url, await limitedGet(fetchImpl, issuer, url, AbortSignal.timeout(FETCH_TIMEOUT_MS), MAX_DISCOVERY_BYTES));
    if (document.issuer !== issuer) throw providerFailure(issuer, `its discovery document (${url}) names another issuer`);
    const jwksUri = typeof document.jwks_uri === 'string' ? safeUrl(document.jwks_uri) : undefined;
    if (jwksUri === undefined) throw providerFailure(issuer, `its discovery document (${url}) has no https jwks_uri`);
    const keys: IssuerKeys = {
      fetchedAt: undefined,
      // Refetching is decided here by the injected clock, so jose's own timers never refetch.
      resolver: createRemoteJWKSet(jwksUri, {
        timeoutDuration: FETCH_TIMEOUT_MS,
        cooldownDuration: Infinity,
        cacheMaxAge: Infinity,
        [customFetch]: async (href, init) => {
          const body = await limitedGet(fetchImpl, issuer, href, init.signal, MAX_JWKS_BYTES);
          keys.fetchedAt = options.now().getTime();
          return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
        },
      }),
    };
    return keys;
  }

  async function verify(token: string, issuer: string): Promise<JWTPayload> {
    const keys = await keysOf(issuer);
    const now = options.now();
    const verifyOptions = {
      issuer,
      audience: settings.audience,
      algorithms: [...OIDC_ALGORITHMS],
      currentDate: now,
      clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iss', 'aud', 'exp'],
    };
    if (keys.fetchedAt !== undefined && now.getTime() - keys.fetchedAt >= JWKS_MAX_AGE_MS) await keys.resolver.reload();
    try {
      return (await jwtVerify(token, keys.resolver, verifyOptions)).payload;
    } catch (error) {
      const mayRefetch = keys.fetchedAt === undefined || now.getTime() - keys.fetchedAt >= JWKS_REFETCH_COOLDOWN_MS;
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayRefetch) throw error;
      // A kid we do not know: the issuer may have rotated its keys.
      await keys.resolver.reload();
      return (await jwtVerify(token, keys.resolver, verifyOptions)).payload;
    }
  }

  return {
    method: 'oidc',
    async authenticate(credentials: Credentials): Promise<Principal | undefined> {
      const token = bearerToken(credentials.authorization);
      if (token === undefined || token.startsWith('tsr_')) return undefined;
      if (token.length > MAX_BEARER_TOKEN_LENGTH) throw refused(`the bearer token is longer than ${MAX_BEARER_TOKEN_LENGTH / 1024} KiB`);
      if (!JWT_SHAPE.test(token)) return undefined;
      const issuer = trustedIssuer(settings, token);
      let payload: JWTPayload;
      try {
        payload = await verify(token, issuer);
      } catch (error) {
        throw explain(error, settings);
      }
      return principalOf(payload, settings);
    },
    async close(): Promise<void> {
      keysByIssuer.clear();
    },
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !BEARER.test(authorization)) return undefined;
  return authorization.replace(BEARER, '').trim();
}

/** The unverified `iss` only chooses among configured issuers; the signature check then proves it. */
function trustedIssuer(settings: OidcSettings, token: string): string {
  let algorithm: unknown;
  let issuer: unknown;
  try {
    algorithm = decodeProtectedHeader(token).alg;
    issuer = decodeJwt(token).iss;
  } catch {
    throw refused('the bearer token is not a well-formed JWT');
  }
  if (typeof algorithm !== 'string' || !OIDC_ALGORITHMS.includes(algorithm)) throw refused(UNSUPPORTED_ALGORITHM);
  const trusted = settings.issuers.find((candidate) => candidate === issuer);
  if (trusted === undefined) throw refused('the bearer token was not issued by an identity provider this server trusts (TESSERA_OIDC_ISSUERS)');
  return trusted;
}

const UNSUPPORTED_ALGORITHM = `the bearer token is not signed with an algorithm this server accepts (${OIDC_ALGORITHMS.join(', ')}); unsigned (none) and shared-secret (HS*) tokens are refused`;

/** jose's verdicts in words an operator can act on; its own messages are not shown. */
function explain(error: unknown, settings: OidcSettings): TesseraError {
  if (isTesseraError(error)) return error;
  if (error instanceof errors.JWTExpired) return refused('the bearer token has expired: get a new one from the identity provider');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return refused(`the bearer token has no "${error.claim}" claim`);
    if (error.claim === 'aud')
      return refused(`the bearer token is meant for another audience: this server accepts only "${settings.audience}" (TESSERA_OIDC_AUDIENCE)`);
    if (error.claim === 'nbf') return refused('the bearer token is not valid yet: check the clocks of this server and the identity provider');
    return refused(`the bearer token's "${error.claim}" claim is not valid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused("the bearer token's signature does not verify with its issuer's keys");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return refused('the bearer token is signed with a key its issuer does not publish');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refused(UNSUPPORTED_ALGORITHM);
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return refused('the bearer token is not a well-formed JWT');
  // jose's errors can hold the token's claims: only a failure of another kind goes on as the cause.
  return refused('the bearer token could not be verified', error instanceof errors.JOSEError ? undefined : error);
}

function principalOf(payload: JWTPayload, settings: OidcSettings): Principal {
  const name = payload[settings.userClaim];
  if (name === undefined) throw refused(`the bearer token has no "${settings.userClaim}" claim naming the user (TESSERA_OIDC_USER_CLAIM)`);
  if (typeof name !== 'string' || !isAccountName(name)) {
    throw refused(`the bearer token's "${settings.userClaim}" claim is not an account name: it must read user@domain or DOMAIN\\user`);
  }
  const groups: unknown = payload[settings.groupsClaim] ?? [];
  if (!Array.isArray(groups) || !groups.every((group: unknown): group is string => typeof group === 'string')) {
    throw refused(`the bearer token's "${settings.groupsClaim}" claim is not a list of names (TESSERA_OIDC_GROUPS_CLAIM)`);
  }
  // Entries that are no account name (object ids, for one) can match no vault account list.
  return { name, groups: groups.filter(isAccountName), localAdministrator: false };
}

function refused(message: string, cause?: unknown): TesseraError {
  return fail('UNAUTHENTICATED', message, cause);
}

function providerFailure(issuer: string, reason: string, cause?: unknown): TesseraError {
  return refused(`the identity provider ${issuer} could not be asked for its signing keys: ${reason}`, cause);
}

/** One GET, no redirects, the body read up to `limit` bytes and no further. */
async function limitedGet(fetchImpl: Fetch, issuer: string, url: string, signal: AbortSignal, limit: number): Promise<Buffer> {
  const timedOut = () => providerFailure(issuer, `${url} did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds`);
  let response: Response;
  try {
    response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json' } });
  } catch (error) {
    throw signal.aborted ? timedOut() : providerFailure(issuer, `${url} could not be reached`, error);
  }
  const tooLarge = () => providerFailure(issuer, `${url} answered with more than ${limit / 1024} KiB`);
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw providerFailure(issuer, `${url} answered HTTP ${response.status}`);
  }
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  try {
    for (;;) {
      if (reader === undefined) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (isTesseraError(error)) throw error;
    throw signal.aborted ? timedOut() : providerFailure(issuer, `${url} broke off its answer`, error);
  }
  return Buffer.concat(chunks);
}

function parseJson(issuer: string, url: string, body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw providerFailure(issuer, `${url} did not answer a JSON object`);
  return value as Record<string, unknown>;
}

/** https, or http to a loopback address (a provider on the same machine, as in tests). */
function safeUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol === 'https:') return url;
  return url.protocol === 'http:' && isLoopback(url.hostname) ? url : undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function checkSettings(settings: OidcSettings): void {
  if (settings.issuers.length === 0) throw fail('INVALID_ARGUMENT', 'TESSERA_OIDC_ISSUERS is empty: name at least one issuer URL, or leave OIDC off');
  for (const issuer of settings.issuers) {
    if (safeUrl(issuer) === undefined) {
      throw fail('INVALID_ARGUMENT', `TESSERA_OIDC_ISSUERS: "${issuer}" is not an https URL (plain http is allowed only to a loopback address)`);
    }
  }
  if (settings.audience.trim() === '') throw fail('INVALID_ARGUMENT', 'TESSERA_OIDC_AUDIENCE is empty: name the audience (aud) tokens for this server carry');
  if (settings.userClaim.trim() === '') throw fail('INVALID_ARGUMENT', 'TESSERA_OIDC_USER_CLAIM is empty: name the claim that holds the user name');
  if (settings.groupsClaim.trim() === '') throw fail('INVALID_ARGUMENT', 'TESSERA_OIDC_GROUPS_CLAIM is empty: name the claim that lists the groups');
}
