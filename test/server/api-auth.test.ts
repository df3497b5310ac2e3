/**
 * The authentication gate over HTTP on both stores: a request without credentials, a wrong
 * token (10613 with the source address, never the token), the per-address failure limit (429
 * with Retry-After, lifted a minute later by the injected clock), and that no network caller is
 * the local administrator, whatever its authenticator claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { INVALID_TOKEN_MESSAGE } from '../../src/service/index.js';
import { type ApiResponse, type ErrorBody, ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

const FAILURES_PER_MINUTE = 3;
const NO_CREDENTIALS =
  'this request carries no credentials: send "Authorization: Bearer TOKEN" (an API token from tessera token create, or an OIDC access token) or a client certificate';
const WRONG_TOKEN = `tsr_0123456789abcdef_${'A'.repeat(43)}`;

const failure = (response: ApiResponse<unknown>) => ({ status: response.status, body: response.body as ErrorBody });
const error = (status: number, code: string, event: number | null, message: string) => ({ status, body: { error: { code, message, event } } });

describe.each(storeTargets)('the authentication gate on $name', (target) => {
  let api: TestServer;
  let token: string;
  beforeAll(async () => {
    // Loopback is a trusted proxy here: only requests that carry X-Forwarded-For are affected by it.
    api = await startTestServer(target, { authFailuresPerMinute: FAILURES_PER_MINUTE, trustedProxies: ['127.0.0.1'] });
    token = await api.bearer(ssoAdmin);
  });
  afterAll(async () => api?.close());

  const refusals = () => api.harness.store.listEvents({ id: 10613 });
  const advance = (seconds: number) => (api.harness.clock.now = new Date(api.harness.clock.now.getTime() + seconds * 1000));

  it('answers a request without credentials 401 with WWW-Authenticate: Bearer, and emits no 10613', async () => {
    for (const headers of [{}, { authorization: 'Basic cm9vdDpyb290' }] as Array<Record<string, string>>) {
      const answer = await api.call('GET', '/v1/applications', { headers });
      expect(failure(answer)).toEqual(error(401, 'UNAUTHENTICATED', 10613, NO_CREDENTIALS));
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(await refusals()).toEqual([]);
  });

  it('answers a wrong token 401 and emits 10613 naming the source address and the call, never the token', async () => {
    const answer = await api.call('GET', '/v1/applications', { token: WRONG_TOKEN });
    expect(failure(answer)).toEqual(error(401, 'UNAUTHENTICATED', 10613, INVALID_TOKEN_MESSAGE));
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    const events = await refusals();
    expect(events.map(({ params, message }) => ({ params, message }))).toEqual([
      {
        params: {
          'Client User': '(not authenticated, from 127.0.0.1)',
          'RPC call information (first part)': 'GET /v1/applications',
          'RPC call information (second part)': 'token',
          'Error Code': 'UNAUTHENTICATED',
        },
        message: 'A call from 127.0.0.1 (GET /v1/applications) was refused: token authentication failed: ' + INVALID_TOKEN_MESSAGE,
      },
    ]);
    const everything = JSON.stringify(await api.harness.store.listEvents()) + (await api.harness.readLog());
    expect(everything).not.toContain(WRONG_TOKEN);
    expect(everything).not.toContain(token);
  });

  it(`refuses further failures from the address with 429 and Retry-After after ${FAILURES_PER_MINUTE}, until a minute has passed, while a valid token still gets in`, async () => {
    // One failure is on the clock already (the test before); make up the rest.
    for (let i = 1; i < FAILURES_PER_MINUTE; i++) expect((await api.call('GET', '/v1/global', { token: WRONG_TOKEN })).status).toBe(401);
    expect(await refusals()).toHaveLength(FAILURES_PER_MINUTE);

    const limited = await api.call('GET', '/v1/applications', { token: WRONG_TOKEN });
    expect(failure(limited)).toEqual(
      error(
        429,
        'AUTH_RATE_LIMITED',
        null,
        `127.0.0.1 failed to authenticate ${FAILURES_PER_MINUTE} times within a minute: wait 60 seconds, then fix the credentials`,
      ),
    );
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('cache-control')).toBe('no-store');
    // Another caller behind the same address with a good token is not locked out.
    expect((await api.call('GET', '/v1/applications', { token })).status).toBe(200);
    // Public routes stay open, and a refusal is not another failure on the clock (no more 10613).
    expect((await api.call('GET', '/v1/health')).status).toBe(200);
    expect(await refusals()).toHaveLength(FAILURES_PER_MINUTE);

    advance(45);
    const later = await api.call('GET', '/v1/applications', { token: WRONG_TOKEN });
    expect([later.status, later.headers.get('retry-after')]).toEqual([429, '15']);
    advance(15);
    expect((await api.call('GET', '/v1/applications', { token: WRONG_TOKEN })).status).toBe(401);
  });

  it('does not count requests without credentials towards the limit', async () => {
    advance(60);
    for (let i = 0; i < FAILURES_PER_MINUTE + 2; i++) expect((await api.call('GET', '/v1/applications')).status).toBe(401);
    expect((await api.call('GET', '/v1/applications', { token })).status).toBe(200);
  });

  it('never makes a network caller the local administrator, whatever its authenticator claims', async () => {
    const claimed = await api.bearer({ name: 'HOST\\root', groups: [], localAdministrator: true });
    expect(failure(await api.call('GET', '/v1/secret/status', { token: claimed }))).toEqual(
      error(
        403,
        'ACCESS_DENIED',
        10842,
        'HOST\\root may not read the master secret status: that needs membership of SSO Administrators. Ask an SSO administrator',
      ),
    );
    expect(failure(await api.call('PATCH', '/v1/global', { token: claimed, body: { ssoAdminAccounts: ['CORP\\Mallory'] } }))).toEqual(
      error(
        403,
        'ACCESS_DENIED',
        10842,
        'HOST\\root may not change the SSO system settings: that needs membership of SSO Administrators. Ask an SSO administrator',
      ),
    );
    expect(failure(await api.call('POST', '/v1/applications', { token: claimed, body: { name: 'Mine', userAccounts: [], adminAccounts: [] } }))).toEqual(
      error(
        403,
        'ACCESS_DENIED',
        10842,
        'HOST\\root may not create affiliate applications: that needs membership of SSO Affiliate Administrators. Ask an SSO administrator',
      ),
    );
  });

  // BUG: the gate (and every event) takes the socket's address, not the client's address a trusted proxy
  // forwards: behind a proxy every refusal names the proxy, and one client's wrong tokens lock out all.
  it('names the client a trusted proxy forwards, not the proxy', async () => {
    advance(60);
    const answer = await api.call('GET', '/v1/applications', { token: WRONG_TOKEN, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(answer.status).toBe(401);
    expect((await refusals()).at(-1)?.params['Client User']).toBe('(not authenticated, from 203.0.113.7)');
  });
});
