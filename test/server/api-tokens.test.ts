/**
 * API tokens over HTTP (SSO administrators) and the credential cache purge, on both stores:
 * a token made over HTTP works at once and is shown only in the create answer; a revoked one
 * stops working at once; purging needs the application's administrators or SSO administrators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import { storeTargets } from '../support/databases.js';
import { type ApiResponse, type ErrorBody, ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

const bob: Principal = { name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] };
const dana: Principal = { name: 'CORP\\dana', groups: ['CORP\\Payroll Admins'] };

const failure = (response: ApiResponse<unknown>) => ({ status: response.status, body: response.body as ErrorBody });

describe.each(storeTargets)('tokens and cache purge over HTTP on $name', (target) => {
  let api: TestServer;
  const tokens: Record<string, string> = {};
  const call = <T>(who: string, method: string, url: string, body?: unknown) =>
    api.call<T>(method, url, { token: tokens[who]!, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    api = await startTestServer(target);
    for (const [name, principal] of Object.entries({ admin: ssoAdmin, bob, dana })) tokens[name] = await api.bearer(principal);
    const app = { name: 'Payroll', userAccounts: ['CORP\\Payroll Users'], adminAccounts: ['CORP\\Payroll Admins'], flags: { enableApp: true } };
    expect((await call('admin', 'POST', '/v1/applications', app)).status).toBe(201);
    expect((await call('admin', 'POST', '/v1/applications/Payroll/mappings', { account: 'CORP\\bob', externalUser: 'bob-ext' })).status).toBe(201);
    expect((await call('admin', 'PUT', '/v1/applications/Payroll/mappings/CORP%5Cbob/credentials', { values: ['first'] })).status).toBe(204);
  });
  afterAll(async () => api?.close());

  it('makes a token that works at once, lists it without its secret, and revokes it for good', async () => {
    const made = await call<{ token: string; id: string; account: string; groups: string[] }>('admin', 'POST', '/v1/tokens', {
      account: 'CORP\\carol',
      groups: ['CORP\\Payroll Users'],
      description: 'carol at the ETL host',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ account: 'CORP\\carol', groups: ['CORP\\Payroll Users'] });
    expect(made.body.token).toMatch(/^tsr_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const carol = made.body.token;
    expect((await api.call('GET', '/v1/applications', { token: carol })).status).toBe(200);

    const listed = await call<Array<{ id: string }>>('admin', 'GET', '/v1/tokens');
    expect(listed.body.map((token) => token.id)).toContain(made.body.id);
    expect(listed.text).not.toContain(carol.slice(-43));

    const revoked = await call<{ revokedBy: string }>('admin', 'DELETE', `/v1/tokens/${made.body.id}`);
    expect([revoked.status, revoked.body.revokedBy]).toEqual([200, 'CORP\\root']);
    expect((await api.call('GET', '/v1/applications', { token: carol })).status).toBe(401);
    expect(failure(await call('admin', 'DELETE', `/v1/tokens/${made.body.id}`)).body.error.code).toBe('TOKEN_NOT_FOUND');
  });

  it('lets only SSO administrators manage tokens', async () => {
    expect(failure(await call('dana', 'POST', '/v1/tokens', { account: 'CORP\\dana', groups: ['CORP\\SSO Admins'] }))).toEqual({
      status: 403,
      body: {
        error: {
          code: 'ACCESS_DENIED',
          event: 10842,
          message: 'CORP\\dana may not create API tokens: that needs membership of SSO Administrators. Ask an SSO administrator',
        },
      },
    });
    expect((await call('bob', 'GET', '/v1/tokens')).status).toBe(403);
    expect(failure(await call('admin', 'POST', '/v1/tokens', { account: 'CORP\\x', expiresAt: 'next week' })).body.error.code).toBe('REQUEST_INVALID');
  });

  it('purges the credential cache for application administrators and SSO administrators only', async () => {
    const look = async () => (await call<{ fields: Array<{ value: string }> }>('bob', 'GET', '/v1/lookup/Payroll')).body.fields[0]?.value;
    expect(await look()).toBe('first');
    expect((await call('dana', 'POST', '/v1/cache/purge', { application: 'Payroll' })).status).toBe(204);
    expect((await call('admin', 'POST', '/v1/cache/purge', {})).status).toBe(204);
    expect(failure(await call('bob', 'POST', '/v1/cache/purge', { application: 'Payroll' })).body.error).toEqual({
      code: 'ACCESS_DENIED',
      event: 10842,
      message: 'CORP\\bob may not purge the credential cache of Payroll: that needs membership of the application administrators. Ask an SSO administrator',
    });
    expect(failure(await call('dana', 'POST', '/v1/cache/purge', {})).body.error.message).toBe(
      'CORP\\dana may not purge the whole credential cache: that needs membership of SSO Administrators. Ask an SSO administrator',
    );
    expect((await call('admin', 'PUT', '/v1/applications/Payroll/mappings/CORP%5Cbob/credentials', { values: ['second'] })).status).toBe(204);
    expect(await look()).toBe('second');
  });
});
