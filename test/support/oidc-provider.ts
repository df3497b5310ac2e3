import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** The audience access tokens carry unless a test asks for another resource. */
export const TEST_AUDIENCE = 'https://tessera.example/api';
const CLIENT_SECRET = 'a-client-secret-for-tests-only';

export interface TestProvider {
  readonly issuer: string;
  /** A JWT access token (client credentials grant) for `client`, with that client's extra claims. */
  accessToken(client: string, resource?: string): Promise<string>;
  /** Signs with a new key (new kid) from now on; the old key stays published, as in a real rotation. */
  rotateKey(): Promise<void>;
  /** Signs claims of the test's choosing with the provider's current key, as a misconfigured provider would. */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) on a loopback port. Each client's access tokens carry
 * `claimsByClient[client]` on top of the provider's own claims (iss, aud, exp, ...).
 */
export async function startOidcProvider(claimsByClient: Record<string, Record<string, unknown>>): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys: JWK[] = [await signingKey()];
  let handle = providerFor(issuer, keys, claimsByClient);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => handle(request, response));

  return {
    issuer,
    async accessToken(client, resource = TEST_AUDIENCE) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client}:${CLIENT_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'vault', resource }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || body.access_token === undefined) throw new Error(`the test provider refused a token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async rotateKey() {
      keys.unshift(await signingKey());
      handle = providerFor(issuer, keys, claimsByClient);
    },
    async sign(claims) {
      const key = keys[0] as JWK;
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(await importJWK(key, 'RS256'));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

/** oidc-provider signs with the first key of an algorithm and publishes all of them. */
function providerFor(issuer: string, keys: readonly JWK[], claimsByClient: Record<string, Record<string, unknown>>) {
  const provider = new Provider(issuer, {
    clients: Object.keys(claimsByClient).map((client_id) => ({
      client_id,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    jwks: { keys: [...keys] },
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => TEST_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_context: unknown, resource: string) => ({
          scope: 'vault',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (_context: unknown, token: { clientId: string }) => claimsByClient[token.clientId] ?? {},
  });
  return provider.callback();
}
