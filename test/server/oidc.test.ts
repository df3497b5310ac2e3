import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcAuthenticator, type Fetch } from '../../src/server/auth/oidc.js';
import type { Authenticator, Credentials } from '../../src/server/auth/authenticator.js';
import type { OidcSettings } from '../../src/server/settings.js';
import { startOidcProvider, TEST_AUDIENCE, type TestProvider } from '../support/oidc-provider.js';

const CLAIMS = {
  alice: { upn: 'alice@corp.example', groups: ['CORP\\Payroll Users', '8d2f1c3e-0000-4000-8000-000000000001'] },
  service: { groups: ['CORP\\Payroll Users'] },
  robot: { upn: 'robot' },
  'odd-groups': { upn: 'bob@corp.example', groups: 'CORP\\Payroll Users' },
};

const UNSUPPORTED_ALGORITHM =
  'UNAUTHENTICATED: the bearer token is not signed with an algorithm this server accepts (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519); unsigned (none) and shared-secret (HS*) tokens are refused';

let provider: TestProvider;
let stranger: TestProvider;
let settings: OidcSettings;
let clock: Date;
let jwksFetches = 0;

/** The real fetch; counts key-set fetches so a test can see when keys were fetched again. */
const countingFetch: Fetch = (url, init) => {
  if (url.endsWith('/jwks')) jwksFetches += 1;
  return fetch(url, init);
};

function authenticator(overrides: Partial<OidcSettings> = {}): Authenticator {
  return oidcAuthenticator({ ...settings, ...overrides }, { now: () => clock, fetch: countingFetch });
}

function bearer(token: string): Credentials {
  return { authorization: `Bearer ${token}`, peerCertificate: undefined, remoteAddress: '127.0.0.1', headers: {} };
}

/** 'CODE: message' of a refused token, after checking no part of the token is in the message. */
async function refusal(auth: Authenticator, token: string): Promise<string> {
  try {
    await auth.authenticate(bearer(token));
  } catch (error) {
    const message = (error as Error).message;
    for (const part of token.split('.').filter((piece) => piece.length > 8)) expect(message).not.toContain(part);
    return `${(error as { code?: string }).code}: ${message}`;
  }
  return 'accepted';
}

/** The injected clock, a second after the token was issued. */
function justAfterIssue(token: string): Date {
  return new Date((decodeJwt(token).iat ?? 0) * 1000 + 1000);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

beforeAll(async () => {
  provider = await startOidcProvider(CLAIMS);
  stranger = await startOidcProvider(CLAIMS);
  settings = { issuers: [provider.issuer], audience: TEST_AUDIENCE, userClaim: 'upn', groupsClaim: 'groups' };
});

afterAll(async () => {
  await provider.close();
  await stranger.close();
});

describe('oidcAuthenticator against a real OpenID provider', () => {
  it('turns a valid access token into its user and groups (names that are no account are left out)', async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    const auth = authenticator();
    expect(await auth.authenticate(bearer(token))).toEqual({ name: 'alice@corp.example', groups: ['CORP\\Payroll Users'], localAdministrator: false });
    expect(auth.method).toBe('oidc');
    await auth.close?.();
  });

  it('judges expiry by the injected clock, with 30 seconds of tolerance', async () => {
    const token = await provider.accessToken('alice');
    const expiry = (decodeJwt(token).exp ?? 0) * 1000;
    const auth = authenticator();
    clock = new Date(expiry + 29_000);
    expect(await auth.authenticate(bearer(token))).toMatchObject({ name: 'alice@corp.example' });
    clock = new Date(expiry + 31_000);
    expect(await refusal(auth, token)).toBe('UNAUTHENTICATED: the bearer token has expired: get a new one from the identity provider');
  });

  it('refuses a token for another audience', async () => {
    const token = await provider.accessToken('alice', 'https://other.example/api');
    clock = justAfterIssue(token);
    expect(decodeJwt(token).aud).toBe('https://other.example/api');
    expect(await refusal(authenticator(), token)).toBe(
      'UNAUTHENTICATED: the bearer token is meant for another audience: this server accepts only "https://tessera.example/api" (TESSERA_OIDC_AUDIENCE)',
    );
  });

  it('refuses a token of an issuer that is not configured, and one that claims a configured issuer but is signed by another provider', async () => {
    const token = await stranger.accessToken('alice');
    clock = justAfterIssue(token);
    const auth = authenticator();
    expect(await refusal(auth, token)).toBe(
      'UNAUTHENTICATED: the bearer token was not issued by an identity provider this server trusts (TESSERA_OIDC_ISSUERS)',
    );
    // The stranger's token with its iss rewritten: the configured issuer does not publish that key.
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claimed = base64url({ ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), iss: provider.issuer });
    expect(await refusal(auth, `${header}.${claimed}.${signature}`)).toBe('UNAUTHENTICATED: the bearer token is signed with a key its issuer does not publish');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    const unsigned = `${base64url({ alg: 'none', typ: 'at+jwt' })}.${token.split('.')[1]}.`;
    expect(await refusal(authenticator(), unsigned)).toBe(UNSUPPORTED_ALGORITHM);
  });

  it("refuses a token re-signed with another key under the issuer's kid", async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(decodeJwt(token)).setProtectedHeader(decodeProtectedHeader(token) as { alg: string }).sign(privateKey);
    expect(decodeProtectedHeader(forged).kid).toBe(decodeProtectedHeader(token).kid);
    expect(await refusal(authenticator(), forged)).toBe("UNAUTHENTICATED: the bearer token's signature does not verify with its issuer's keys");
  });

  it("refuses an HS256 token whose HMAC key is the issuer's public key", async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    const { keys } = (await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] };
    const publicPem = createPublicKey({ key: keys[0] as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: keys[0]?.kid })}.${token.split('.')[1]}`;
    const forged = `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;
    expect(await refusal(authenticator(), forged)).toBe(UNSUPPORTED_ALGORITHM);
  });

  it("follows a key rotation: an unknown kid fetches the issuer's keys again, at most every 30 seconds", async () => {
    const rotating = await startOidcProvider(CLAIMS);
    try {
      const before = await rotating.accessToken('alice');
      clock = justAfterIssue(before);
      const auth = authenticator({ issuers: [provider.issuer, rotating.issuer] });
      const fetchesBefore = jwksFetches;
      expect(await auth.authenticate(bearer(before))).toMatchObject({ name: 'alice@corp.example' });
      expect(jwksFetches).toBe(fetchesBefore + 1);

      await rotating.rotateKey();
      const after = await rotating.accessToken('alice');
      expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
      // Within the cooldown the cached keys answer, without a fetch.
      expect(await refusal(auth, after)).toBe('UNAUTHENTICATED: the bearer token is signed with a key its issuer does not publish');
      expect(jwksFetches).toBe(fetchesBefore + 1);

      clock = new Date(clock.getTime() + 30_000);
      expect(await auth.authenticate(bearer(after))).toMatchObject({ name: 'alice@corp.example' });
      expect(jwksFetches).toBe(fetchesBefore + 2);
      // The old key is still published, so tokens signed before the rotation stay good.
      expect(await auth.authenticate(bearer(before))).toMatchObject({ name: 'alice@corp.example' });
      expect(jwksFetches).toBe(fetchesBefore + 2);
    } finally {
      await rotating.close();
    }
  });

  it('fetches the keys again once they are ten minutes old', async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    const auth = authenticator();
    const fetchesBefore = jwksFetches;
    await auth.authenticate(bearer(token));
    clock = new Date(clock.getTime() + 10 * 60_000 - 1);
    await auth.authenticate(bearer(token)).catch(() => undefined);
    expect(jwksFetches).toBe(fetchesBefore + 1);
    clock = new Date(clock.getTime() + 1);
    await auth.authenticate(bearer(token)).catch(() => undefined);
    expect(jwksFetches).toBe(fetchesBefore + 2);
  });

  it('refuses a token without the user claim, with one that names no account, and with groups that are not a list', async () => {
    const auth = authenticator();
    const service = await provider.accessToken('service');
    clock = justAfterIssue(service);
    expect(await refusal(auth, service)).toBe('UNAUTHENTICATED: the bearer token has no "upn" claim naming the user (TESSERA_OIDC_USER_CLAIM)');
    expect(await refusal(auth, await provider.accessToken('robot'))).toBe(
      'UNAUTHENTICATED: the bearer token\'s "upn" claim is not an account name: it must read user@domain or DOMAIN\\user',
    );
    expect(await refusal(auth, await provider.accessToken('odd-groups'))).toBe(
      'UNAUTHENTICATED: the bearer token\'s "groups" claim is not a list of names (TESSERA_OIDC_GROUPS_CLAIM)',
    );
  });

  it('reads the user and groups from the claims the settings name; an absent groups claim is no groups', async () => {
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    expect(await authenticator({ userClaim: 'upn', groupsClaim: 'roles' }).authenticate(bearer(token))).toEqual({
      name: 'alice@corp.example',
      groups: [],
      localAdministrator: false,
    });
    expect(await refusal(authenticator({ userClaim: 'email' }), token)).toBe(
      'UNAUTHENTICATED: the bearer token has no "email" claim naming the user (TESSERA_OIDC_USER_CLAIM)',
    );
  });

  it('leaves API tokens, other schemes, missing headers and bearers that are no JWT to other authenticators', async () => {
    const auth = authenticator();
    expect(await auth.authenticate(bearer('tsr_0123456789abcdef.ghijklmnop.qrstuv'))).toBeUndefined();
    expect(await auth.authenticate(bearer('an-opaque-token'))).toBeUndefined();
    expect(await auth.authenticate(bearer('a.b.c.d.e'))).toBeUndefined();
    expect(await auth.authenticate({ ...bearer('x'), authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' })).toBeUndefined();
    expect(await auth.authenticate({ ...bearer('x'), authorization: undefined })).toBeUndefined();
  });

  it('refuses an oversized token before decoding it, and a token that only looks like a JWT', async () => {
    const auth = authenticator();
    const huge = `${'a'.repeat(8192)}.${'b'.repeat(8192)}.c`;
    expect(await refusal(auth, huge)).toBe('UNAUTHENTICATED: the bearer token is longer than 16 KiB');
    expect(await refusal(auth, 'bm90IGpzb24.bm90IGpzb24.c2ln')).toBe('UNAUTHENTICATED: the bearer token is not a well-formed JWT');
    const token = await provider.accessToken('alice');
    clock = justAfterIssue(token);
    expect(await auth.authenticate({ ...bearer(token), authorization: `bearer   ${token}` })).toMatchObject({ name: 'alice@corp.example' });
  });

  it('refuses a token its issuer signed without exp, and one used before its nbf', async () => {
    clock = new Date('2030-01-01T00:00:00Z');
    const claims = { upn: 'alice@corp.example', iss: provider.issuer, aud: TEST_AUDIENCE };
    const auth = authenticator();
    expect(await refusal(auth, await provider.sign(claims))).toBe('UNAUTHENTICATED: the bearer token has no "exp" claim');
    const seconds = clock.getTime() / 1000;
    const early = await provider.sign({ ...claims, exp: seconds + 600, nbf: seconds + 31 });
    expect(await refusal(auth, early)).toBe('UNAUTHENTICATED: the bearer token is not valid yet: check the clocks of this server and the identity provider');
    clock = new Date(clock.getTime() + 1000);
    expect(await auth.authenticate(bearer(early))).toMatchObject({ name: 'alice@corp.example' });
  });
});

describe('oidcAuthenticator when the identity provider misbehaves', () => {
  let server: Server;
  let base: string;
  let answer: (path: string) => { status: number; body: string };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const { status, body } = answer(request.url ?? '/');
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A well-formed token of `issuer` (signed by a key that issuer never published). */
  async function tokenOf(issuer: string): Promise<string> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    clock = new Date('2030-01-01T00:00:00Z');
    return new SignJWT({ upn: 'alice@corp.example' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setIssuer(issuer)
      .setAudience(TEST_AUDIENCE)
      .setIssuedAt(clock)
      .setExpirationTime(new Date(clock.getTime() + 60_000))
      .sign(privateKey);
  }

  async function refusalFrom(issuer: string): Promise<string> {
    return refusal(authenticator({ issuers: [issuer] }), await tokenOf(issuer));
  }

  it('says which answer was wrong', async () => {
    const discovery = `${base}/.well-known/openid-configuration`;
    answer = () => ({ status: 500, body: '{}' });
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: ${discovery} answered HTTP 500`,
    );
    answer = () => ({ status: 200, body: JSON.stringify({ issuer: base, padding: 'x'.repeat(65 * 1024) }) });
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: ${discovery} answered with more than 64 KiB`,
    );
    answer = () => ({ status: 200, body: 'not json' });
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: ${discovery} did not answer a JSON object`,
    );
    answer = () => ({ status: 200, body: JSON.stringify({ issuer: 'https://evil.example', jwks_uri: `${base}/jwks` }) });
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: its discovery document (${discovery}) names another issuer`,
    );
    answer = () => ({ status: 200, body: JSON.stringify({ issuer: base, jwks_uri: 'http://keys.example/jwks' }) });
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: its discovery document (${discovery}) has no https jwks_uri`,
    );
    answer = (path) =>
      path === '/jwks'
        ? { status: 200, body: JSON.stringify({ keys: [], padding: 'x'.repeat(257 * 1024) }) }
        : { status: 200, body: JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }) };
    expect(await refusalFrom(base)).toBe(
      `UNAUTHENTICATED: the identity provider ${base} could not be asked for its signing keys: ${base}/jwks answered with more than 256 KiB`,
    );
  });

  it('asks a failed provider again on the next token', async () => {
    const auth = authenticator({ issuers: [base] });
    const token = await tokenOf(base);
    answer = () => ({ status: 503, body: '{}' });
    expect(await refusal(auth, token)).toContain('answered HTTP 503');
    answer = (path) =>
      path === '/jwks'
        ? { status: 200, body: JSON.stringify({ keys: [] }) }
        : { status: 200, body: JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }) };
    expect(await refusal(auth, token)).toBe('UNAUTHENTICATED: the bearer token is signed with a key its issuer does not publish');
  });

  it('says when the provider cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await refusalFrom(gone)).toBe(
      `UNAUTHENTICATED: the identity provider ${gone} could not be asked for its signing keys: ${gone}/.well-known/openid-configuration could not be reached`,
    );
  });

  it('gives up on a provider that does not answer within 5 seconds', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const mute = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      expect(await refusalFrom(mute)).toBe(
        `UNAUTHENTICATED: the identity provider ${mute} could not be asked for its signing keys: ${mute}/.well-known/openid-configuration did not answer within 5 seconds`,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses settings it cannot use', () => {
    const make = (overrides: Partial<OidcSettings>) => () => oidcAuthenticator({ ...settings, ...overrides }, { now: () => clock });
    expect(make({ issuers: ['http://idp.example'] })).toThrow(
      'TESSERA_OIDC_ISSUERS: "http://idp.example" is not an https URL (plain http is allowed only to a loopback address)',
    );
    expect(make({ issuers: [] })).toThrow('TESSERA_OIDC_ISSUERS is empty: name at least one issuer URL, or leave OIDC off');
    expect(make({ audience: ' ' })).toThrow('TESSERA_OIDC_AUDIENCE is empty');
    expect(make({ issuers: ['https://idp.example', 'http://[::1]:8080'] })).not.toThrow();
  });
});
