/**
 * The HTTP API's lookups (GetCredentials, host-initiated LogonExternalUser) and tickets (issue,
 * redeem, validate-and-redeem) on both stores: answers, each failure with its code, status,
 * ENTSSO event and the CLI's message, and the events an HTTP caller leaves (its name and address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import { storeTargets } from '../support/databases.js';
import { type ApiResponse, type ErrorBody, ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

const bob: Principal = { name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] };
const carol: Principal = { name: 'CORP\\carol', groups: ['CORP\\Payroll Users'] };
const dana: Principal = { name: 'CORP\\dana', groups: ['CORP\\Payroll Admins'] };
const eve: Principal = { name: 'CORP\\eve', groups: ['CORP\\Marketing'] };
const host: Principal = { name: 'CORP\\biztalk01', groups: ['CORP\\BizTalk Hosts'] };

const failure = (response: ApiResponse<unknown>) => ({ status: response.status, body: response.body as ErrorBody });
const error = (status: number, code: string, event: number | null, message: string) => ({ status, body: { error: { code, message, event } } });
const noApp = (name: string) =>
  error(404, 'NO_APP', 10756, `there is no affiliate application named ${name} (or you may not see it): check the name with tessera app list`);
const bobs = (application: string) => ({ application, account: 'CORP\\bob', externalUser: 'bob-ext', fields: [{ label: 'Password', value: 's3cret' }] });

describe.each(storeTargets)('lookups and tickets over HTTP on $name', (target) => {
  let api: TestServer;
  const tokens: Record<string, string> = {};
  const call = <T>(who: string, method: string, url: string, body?: unknown) =>
    api.call<T>(method, url, { token: tokens[who]!, ...(body === undefined ? {} : { body }) });

  /** An enabled application of the Payroll groups with bob mapped to bob-ext / s3cret. */
  async function application(name: string, extra: Record<string, unknown> = {}, externalUser = 'bob-ext') {
    const body = { name, userAccounts: ['CORP\\Payroll Users'], adminAccounts: ['CORP\\Payroll Admins'], ...extra };
    const flags = { enableApp: true, ...(extra['flags'] as object | undefined) };
    expect((await call('admin', 'POST', '/v1/applications', { ...body, flags })).status).toBe(201);
    expect((await call('admin', 'POST', `/v1/applications/${name}/mappings`, { account: 'CORP\\bob', externalUser })).status).toBe(201);
    expect((await call('admin', 'PUT', `/v1/applications/${name}/mappings/CORP%5Cbob/credentials`, { values: ['s3cret'] })).status).toBe(204);
  }

  beforeAll(async () => {
    api = await startTestServer(target);
    for (const [name, principal] of Object.entries({ admin: ssoAdmin, bob, carol, dana, eve, host })) tokens[name] = await api.bearer(principal);
    await application('Payroll');
    await application('Mainframe', { flags: { hostInitiatedSSO: true, validatePassword: true } }, 'TSO001');
    await application('Tix', { flags: { allowTickets: true } });
    expect((await call('admin', 'POST', '/v1/applications/Payroll/mappings', { account: 'CORP\\carol', externalUser: 'carol-ext' })).status).toBe(201);
    expect(
      (
        await call('admin', 'POST', '/v1/applications', {
          name: 'Settings',
          type: 'configStore',
          userAccounts: ['CORP\\BizTalk Hosts'],
          adminAccounts: [],
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => api?.close());

  describe('GET /v1/lookup/:name', () => {
    it("returns the caller's own credentials, and (administrators) another account's", async () => {
      const own = await call('bob', 'GET', '/v1/lookup/payroll');
      expect([own.status, own.body]).toEqual([200, bobs('Payroll')]);
      const other = await call('dana', 'GET', '/v1/lookup/Payroll?account=CORP%5Cbob');
      expect([other.status, other.body]).toEqual([200, bobs('Payroll')]);
    });

    it('fails with the catalogued event for each state', async () => {
      expect(failure(await call('eve', 'GET', '/v1/lookup/Payroll'))).toEqual(noApp('Payroll'));
      expect(failure(await call('carol', 'GET', '/v1/lookup/Payroll'))).toEqual(
        error(409, 'MAPPING_DISABLED', 10764, 'the mapping of CORP\\carol for Payroll is disabled: enable it, or set its credentials again'),
      );
      expect(failure(await call('dana', 'GET', '/v1/lookup/Payroll'))).toEqual(
        error(404, 'NO_MAPPING', 10757, 'CORP\\dana has no mapping for Payroll: an application administrator can create one'),
      );
      expect(failure(await call('bob', 'GET', '/v1/lookup/Payroll?account=CORP%5Ccarol'))).toEqual(
        error(
          403,
          'ACCESS_DENIED',
          10842,
          'CORP\\bob may not look up the credentials of other accounts of Payroll: that needs membership of the application administrators. Ask an SSO administrator',
        ),
      );
    });

    it("leaves 10536 naming the principal and the caller's address when a lookup fails", async () => {
      expect(failure(await call('host', 'GET', '/v1/lookup/Settings'))).toEqual(
        error(400, 'APP_INVALID', null, 'Settings is a configStore application: read its config entries instead'),
      );
      const [event] = (await api.harness.store.listEvents({ id: 10536 })).filter((e) => e.params['Application Name'] === 'Settings');
      expect(event).toMatchObject({
        params: {
          Function: 'GetCredentials',
          'Client User': 'CORP\\biztalk01',
          'Client Computer': '127.0.0.1',
          'Application Name': 'Settings',
          'Error Code': 'APP_INVALID',
        },
        message:
          'GetCredentials on Settings by CORP\\biztalk01 (from 127.0.0.1) failed: Settings is a configStore application: read its config entries instead',
      });
    });

    // BUG: a failure with an event of its own (NO_APP 10756, NO_MAPPING 10757, MAPPING_DISABLED 10764, ...)
    // emits only that parameterless event, whose text names the principal but not where the call came from.
    it("records the caller's address for a failure that has an event of its own", async () => {
      expect(failure(await call('eve', 'GET', '/v1/lookup/Hidden'))).toEqual(noApp('Hidden'));
      const events = (await api.harness.store.listEvents()).filter((e) => JSON.stringify(e).includes('Hidden'));
      expect(events.map((e) => e.id)).toEqual([10756]);
      expect(JSON.stringify(events)).toContain('127.0.0.1');
    });
  });

  describe('POST /v1/lookup/:name', () => {
    // BUG: the response schema Union([HostLookup, Credentials]) serialises credentials as a HostLookup
    // (the first branch they match) and drops `fields`. Credentials first, or HostLookup strict, fixes it.
    it('looks up an account given in the body, like GET', async () => {
      const found = await call('dana', 'POST', '/v1/lookup/Payroll', { account: 'CORP\\bob' });
      expect([found.status, found.body]).toEqual([200, bobs('Payroll')]);
      const own = await call('bob', 'POST', '/v1/lookup/Payroll', {});
      expect([own.status, own.body]).toEqual([200, bobs('Payroll')]);
    });

    it('finds the enterprise account of an external user, checking its password (host-initiated)', async () => {
      const found = await call('dana', 'POST', '/v1/lookup/Mainframe', { externalUser: 'TSO001', password: 's3cret' });
      expect([found.status, found.body]).toEqual([200, { application: 'Mainframe', account: 'CORP\\bob', externalUser: 'TSO001' }]);
      expect(failure(await call('dana', 'POST', '/v1/lookup/Mainframe', { externalUser: 'TSO001', password: 'wrong-password-3' }))).toEqual(
        error(403, 'HOST_CREDENTIALS_INVALID', 10810, 'the password of external user TSO001 does not match the one stored for Mainframe'),
      );
      expect(failure(await call('dana', 'POST', '/v1/lookup/Payroll', { externalUser: 'bob-ext' }))).toEqual(
        error(409, 'HOST_SSO_NOT_ENABLED', 10809, 'host-initiated SSO is not enabled for Payroll: set hostInitiatedSSO=yes'),
      );
      expect(failure(await call('bob', 'POST', '/v1/lookup/Mainframe', { externalUser: 'TSO001', password: 's3cret' }))).toEqual(
        error(
          403,
          'ACCESS_DENIED',
          10842,
          'CORP\\bob may not make host-initiated lookups of Mainframe: that needs membership of the application administrators. Ask an SSO administrator',
        ),
      );
    });

    it('refuses a password without externalUser, and account together with externalUser', async () => {
      expect(failure(await call('dana', 'POST', '/v1/lookup/Payroll', { account: 'CORP\\bob', password: 'x' }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'password goes with externalUser (a host-initiated lookup)'),
      );
      expect(failure(await call('dana', 'POST', '/v1/lookup/Mainframe', { account: 'CORP\\bob', externalUser: 'TSO001' }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'give account or externalUser, not both'),
      );
      expect(failure(await call('dana', 'POST', '/v1/lookup/Mainframe', { externalUser: 'TSO001', pin: '1234' }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request body has an unknown field pin: see docs/api.md for the fields it takes'),
      );
    });
  });

  describe('tickets', () => {
    const tickets: string[] = [];
    const expiresIn = (minutes: number) => new Date(api.harness.clock.now.getTime() + minutes * 60_000).toISOString();

    it('are refused while tickets are off system-wide (TICKETS_NOT_ALLOWED 10539)', async () => {
      expect(failure(await call('bob', 'POST', '/v1/tickets', { application: 'Tix' }))).toEqual(
        error(409, 'TICKETS_NOT_ALLOWED', 10539, 'tickets are not allowed in this SSO system: an SSO administrator can allow them (ssomanage -tickets yes no)'),
      );
      expect((await call('admin', 'PATCH', '/v1/global', { ticketsAllowed: true })).status).toBe(200);
      expect(failure(await call('bob', 'POST', '/v1/tickets', { application: 'Payroll' }))).toEqual(
        error(409, 'TICKETS_NOT_ALLOWED', 10539, 'tickets are not allowed for Payroll: set allowTickets=yes on it'),
      );
      expect(failure(await call('eve', 'POST', '/v1/tickets', { application: 'Tix' }))).toEqual(noApp('Tix'));
    });

    it("are issued for the caller and redeemed once by an administrator for the owner's credentials", async () => {
      const issued = await call<{ ticket: string; expiresAt: string }>('bob', 'POST', '/v1/tickets', { application: 'Tix' });
      tickets.push(issued.body.ticket);
      expect([issued.status, issued.body]).toEqual([201, { ticket: expect.stringMatching(/^T1\./) as string, expiresAt: expiresIn(2) }]);
      const systemWide = await call('bob', 'POST', '/v1/tickets', {});
      expect([systemWide.status, (systemWide.body as { expiresAt: string }).expiresAt]).toEqual([201, expiresIn(2)]);
      const redeem = { application: 'Tix', ticket: issued.body.ticket };
      expect(failure(await call('bob', 'POST', '/v1/tickets/redeem', redeem))).toEqual(
        error(
          403,
          'ACCESS_DENIED',
          10842,
          'CORP\\bob may not redeem tickets of Tix: that needs membership of the application administrators. Ask an SSO administrator',
        ),
      );
      const redeemed = await call('dana', 'POST', '/v1/tickets/redeem', redeem);
      expect([redeemed.status, redeemed.body]).toEqual([200, bobs('Tix')]);
      expect(failure(await call('dana', 'POST', '/v1/tickets/redeem', redeem))).toEqual(
        error(409, 'TICKET_REDEEMED', null, 'the ticket was already redeemed: tickets are single use, the caller must get a new one'),
      );
    });

    it('validate the sender when one is given (TICKET_ISSUER_MISMATCH 10594), and refuse what is no ticket', async () => {
      const { ticket } = (await call<{ ticket: string }>('bob', 'POST', '/v1/tickets', { application: 'Tix' })).body;
      tickets.push(ticket);
      expect(failure(await call('dana', 'POST', '/v1/tickets/redeem', { application: 'Tix', ticket, sender: 'CORP\\bobby' }))).toEqual(
        error(403, 'TICKET_ISSUER_MISMATCH', 10594, 'the ticket was issued to CORP\\bob, not to the sender CORP\\bobby: refuse the message'),
      );
      const validated = await call('dana', 'POST', '/v1/tickets/redeem', { application: 'Tix', ticket, sender: 'corp\\BOB' });
      expect([validated.status, validated.body]).toEqual([200, bobs('Tix')]);
      expect(failure(await call('dana', 'POST', '/v1/tickets/redeem', { application: 'Tix', ticket: 'not-a-ticket' }))).toEqual(
        error(400, 'TICKET_MALFORMED', 10593, 'the ticket is not in Tessera\'s format (it should start with "T1."): pass the ticket exactly as issued'),
      );
      expect(failure(await call('dana', 'POST', '/v1/tickets/redeem', { ticket }))).toEqual(
        error(400, 'REQUEST_INVALID', null, 'the request body lacks the required field application'),
      );
    });

    it('stay out of the log and the events, as do credential values, host passwords and bearer tokens', async () => {
      expect(tickets).toHaveLength(2);
      const everything = JSON.stringify(await api.harness.store.listEvents()) + (await api.harness.readLog());
      for (const secret of ['s3cret', 'wrong-password-3', ...tickets, ...Object.values(tokens)]) expect(everything).not.toContain(secret);
    });
  });
});
