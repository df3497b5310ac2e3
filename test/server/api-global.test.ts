/**
 * The SSO system settings (/v1/global) and the event log (/v1/events) over HTTP on both stores:
 * who may read and change them, the events a change leaves (naming the caller and its address),
 * and the event log's filters and their limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import { storeTargets } from '../support/databases.js';
import { type ApiResponse, type ErrorBody, SSO_ADMINS, ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

const affiliate: Principal = { name: 'CORP\\frank', groups: ['CORP\\Affiliates'] };
const bob: Principal = { name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] };

const failure = (response: ApiResponse<unknown>) => ({ status: response.status, body: response.body as ErrorBody });
const error = (status: number, code: string, event: number | null, message: string) => ({ status, body: { error: { code, message, event } } });

interface Event {
  seq: number;
  id: number;
  symbol: string;
  time: string;
  params: Record<string, string>;
  message: string;
}

describe.each(storeTargets)('global settings and events over HTTP on $name', (target) => {
  let api: TestServer;
  const tokens: Record<string, string> = {};
  const call = <T>(who: string, method: string, url: string, body?: unknown) =>
    api.call<T>(method, url, { token: tokens[who]!, ...(body === undefined ? {} : { body }) });
  beforeAll(async () => {
    api = await startTestServer(target);
    for (const [name, principal] of Object.entries({ admin: ssoAdmin, affiliate, bob })) tokens[name] = await api.bearer(principal);
  });
  afterAll(async () => api?.close());

  describe('/v1/global', () => {
    it('PATCH changes the settings for SSO administrators, leaving events that name the caller and its address', async () => {
      const changed = await call('admin', 'PATCH', '/v1/global', {
        affiliateAdminAccounts: ['CORP\\Affiliates'],
        ticketsAllowed: true,
        ticketTimeoutMinutes: 5,
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({
        ssoAdminAccounts: [SSO_ADMINS],
        affiliateAdminAccounts: ['CORP\\Affiliates'],
        ticketsAllowed: true,
        ticketsValidate: false,
        ticketTimeoutMinutes: 5,
        credCacheTimeoutMinutes: expect.any(Number) as number,
        secretServer: expect.any(String) as string,
        auditDeletedApps: expect.any(Number) as number,
        auditDeletedMappings: expect.any(Number) as number,
        auditCredentialLookups: expect.any(Number) as number,
        ssoEnabled: true,
        auditPositive: 0,
        auditNegative: 1,
      });
      const who = { 'Client User': 'CORP\\root', 'Client Computer': '127.0.0.1' };
      expect((await api.harness.store.listEvents({ id: 10577 }))[0]?.params).toMatchObject({ 'New SSO Affiliate Administrators': 'CORP\\Affiliates', ...who });
      expect((await api.harness.store.listEvents({ id: 10606 }))[0]?.params).toMatchObject(who);
    });

    it('GET answers affiliate administrators; others get ACCESS_DENIED 10842', async () => {
      const read = await call('affiliate', 'GET', '/v1/global');
      expect([read.status, read.body]).toEqual([200, expect.objectContaining({ affiliateAdminAccounts: ['CORP\\Affiliates'], ticketTimeoutMinutes: 5 })]);
      expect(failure(await call('bob', 'GET', '/v1/global'))).toEqual(
        error(
          403,
          'ACCESS_DENIED',
          10842,
          'CORP\\bob may not read the SSO system settings: that needs membership of SSO Affiliate Administrators. Ask an SSO administrator',
        ),
      );
    });

    it('PATCH refuses affiliate administrators, invalid accounts, and values out of range or of the wrong type', async () => {
      expect(failure(await call('affiliate', 'PATCH', '/v1/global', { ticketsAllowed: false }))).toEqual(
        error(
          403,
          'ACCESS_DENIED',
          10842,
          'CORP\\frank may not change the SSO system settings: that needs membership of SSO Administrators. Ask an SSO administrator',
        ),
      );
      expect(failure(await call('admin', 'PATCH', '/v1/global', { ssoAdminAccounts: ['Everyone'] }))).toEqual(
        error(400, 'ACCOUNT_INVALID', 10776, 'Everyone is a built-in account; name a domain group or user instead'),
      );
      expect(failure(await call('admin', 'PATCH', '/v1/global', { ticketTimeoutMinutes: 0 }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request body field ticketTimeoutMinutes must be >= 1'),
      );
      expect(failure(await call('admin', 'PATCH', '/v1/global', { ticketsAllowed: 'yes' }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request body field ticketsAllowed must be boolean'),
      );
      expect(failure(await call('admin', 'PATCH', '/v1/global', { ticketsAllowd: true }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request body has an unknown field ticketsAllowd: see docs/api.md for the fields it takes'),
      );
      expect((await call<{ ssoAdminAccounts: string[] }>('admin', 'GET', '/v1/global')).body.ssoAdminAccounts).toEqual([SSO_ADMINS]);
    });
  });

  describe('/v1/events', () => {
    it('lists the event log oldest first to SSO administrators, as the store holds it', async () => {
      const listed = await call<Event[]>('admin', 'GET', '/v1/events');
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual(JSON.parse(JSON.stringify(await api.harness.store.listEvents())));
      expect(listed.body.map((e) => e.seq)).toEqual([...listed.body.map((e) => e.seq)].sort((a, b) => a - b));
    });

    it('filters by id, by time and keeps the newest N', async () => {
      const byId = (await call<Event[]>('admin', 'GET', '/v1/events?id=10606')).body;
      expect(byId.map((e) => e.id)).toEqual([10606]);
      const all = (await call<Event[]>('admin', 'GET', '/v1/events')).body;
      expect((await call<Event[]>('admin', 'GET', '/v1/events?limit=2')).body).toEqual(all.slice(-2));
      expect((await call<Event[]>('admin', 'GET', '/v1/events?limit=0')).body).toEqual([]);
      api.harness.clock.now = new Date(api.harness.clock.now.getTime() + 60_000);
      const later = api.harness.clock.now.toISOString();
      await call('admin', 'PATCH', '/v1/global', { ticketsAllowed: false });
      const since = (await call<Event[]>('admin', 'GET', `/v1/events?since=${encodeURIComponent(later)}`)).body;
      expect(since.map((e) => e.id).sort()).toEqual([10535, 10607]);
      expect(since.every((e) => e.time >= later)).toBe(true);
    });

    it('refuses other callers and malformed filters', async () => {
      expect(failure(await call('affiliate', 'GET', '/v1/events'))).toEqual(
        error(403, 'ACCESS_DENIED', 10842, 'CORP\\frank may not read the event log: that needs membership of SSO Administrators. Ask an SSO administrator'),
      );
      expect(failure(await call('admin', 'GET', '/v1/events?since=yesterday'))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'since must be an ISO 8601 date or time, e.g. 2026-11-25 or 2026-11-25T10:00:00Z'),
      );
      expect(failure(await call('admin', 'GET', '/v1/events?limit=-1'))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request querystring field limit must match pattern "^[0-9]{1,6}$"'),
      );
      expect(failure(await call('admin', 'GET', '/v1/events?severity=error'))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request querystring has an unknown field severity: see docs/api.md for the fields it takes'),
      );
    });

    // BUG: `since` is checked with Date.parse, which takes far more than ISO 8601 ("1", "March 7"):
    // a typo silently filters by a year-2001 date instead of being refused.
    it('refuses a since that is no ISO 8601 time', async () => {
      expect((await call('admin', 'GET', '/v1/events?since=1')).status).toBe(400);
    });
  });
});
