/**
 * What every route shares, over HTTP on both stores: the one error body for refused input
 * (unknown fields, wrong types, bodies too large, not JSON), unknown routes, Cache-Control on
 * every answer, an unexpected failure (500 with only a correlation id; the log has the rest),
 * health (ready, and sealed when the seal key is another), metrics and the OpenAPI document.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import { storeTargets } from '../support/databases.js';
import { type ApiResponse, type ErrorBody, ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

const bob: Principal = { name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] };
const eve: Principal = { name: 'CORP\\eve', groups: ['CORP\\Marketing'] };
const MiB = 1024 * 1024;

const failure = (response: ApiResponse<unknown>) => ({ status: response.status, body: response.body as ErrorBody });
const error = (status: number, code: string, event: number | null, message: string) => ({ status, body: { error: { code, message, event } } });
const invalid = (message: string) => error(400, 'REQUEST_INVALID', null, message);
const newApp = (name: string, extra: Record<string, unknown> = {}) => ({ name, userAccounts: ['CORP\\Payroll Users'], adminAccounts: [], ...extra });

/** Every route of src/server/routes, as OpenAPI writes their paths. */
const API_ROUTES: Record<string, string[]> = {
  '/v1/health': ['get'],
  '/v1/applications': ['get', 'post'],
  '/v1/applications/{name}': ['get', 'patch', 'delete'],
  '/v1/applications/{name}/enabled': ['put'],
  '/v1/applications/{name}/mappings': ['get', 'post'],
  '/v1/mappings': ['get'],
  '/v1/applications/{name}/mappings/{account}/enabled': ['put'],
  '/v1/applications/{name}/mappings/{account}': ['delete'],
  '/v1/applications/{name}/mappings/{account}/credentials': ['put'],
  '/v1/applications/{name}/config/{identifier}': ['get', 'put', 'delete'],
  '/v1/lookup/{name}': ['get', 'post'],
  '/v1/tickets': ['post'],
  '/v1/tickets/redeem': ['post'],
  '/v1/global': ['get', 'patch'],
  '/v1/events': ['get'],
  '/v1/whoami': ['get'],
  '/v1/secret/status': ['get'],
  '/v1/secret/backup': ['post'],
  '/v1/secret/generate': ['post'],
  '/v1/secret/verify': ['post'],
  '/v1/secret/restore': ['post'],
  '/v1/cache/purge': ['post'],
  '/v1/tokens': ['get', 'post'],
  '/v1/tokens/{id}': ['delete'],
};

describe.each(storeTargets)('the HTTP protocol on $name', (target) => {
  let api: TestServer;
  let admin: string;
  let bobToken: string;
  let eveToken: string;
  /** Every answer of this file, to check Cache-Control on all of them at the end. */
  const answers: Array<ApiResponse<unknown>> = [];
  const call = async <T = ErrorBody>(method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const answer = await api.call<T>(method, url, options);
    answers.push(answer);
    return answer;
  };
  beforeAll(async () => {
    api = await startTestServer(target);
    admin = await api.bearer(ssoAdmin);
    bobToken = await api.bearer(bob);
    eveToken = await api.bearer(eve);
    expect((await call('POST', '/v1/applications', { token: admin, body: newApp('Payroll', { flags: { enableApp: true, allowTickets: true } }) })).status).toBe(
      201,
    );
    expect((await call('POST', '/v1/applications/Payroll/mappings', { token: admin, body: { account: 'CORP\\bob', externalUser: 'bob-ext' } })).status).toBe(
      201,
    );
    expect((await call('PUT', '/v1/applications/Payroll/mappings/CORP%5Cbob/credentials', { token: admin, body: { values: ['s3cret'] } })).status).toBe(204);
  });
  afterAll(async () => api?.close());

  describe('refused input', () => {
    it('names an unknown field, nested or not, and a field of the wrong type', async () => {
      const post = (body: unknown) => call('POST', '/v1/applications', { token: admin, body });
      expect(failure(await post(newApp('A', { colour: 'red' })))).toEqual(
        invalid('the request body has an unknown field colour: see docs/api.md for the fields it takes'),
      );
      expect(failure(await post(newApp('A', { flags: { enableApp: true, turbo: true } })))).toEqual(
        invalid('the request body has an unknown field flags.turbo: see docs/api.md for the fields it takes'),
      );
      expect(failure(await post(newApp('A', { fields: [{ ordinal: 0, label: 'Id', masked: false, sync: false, secret: 1 }] })))).toEqual(
        invalid('the request body has an unknown field fields.0.secret: see docs/api.md for the fields it takes'),
      );
      expect(failure(await post({ ...newApp('A'), name: 5 }))).toEqual(invalid('the request body field name must be string'));
      expect(failure(await post(newApp('A', { userAccounts: 'CORP\\Payroll Users' })))).toEqual(invalid('the request body field userAccounts must be array'));
      expect(failure(await post(newApp('x'.repeat(65))))).toEqual(invalid('the request body field name must NOT have more than 64 characters'));
      expect(failure(await post([newApp('A')]))).toEqual(invalid('the request body must be object'));
    });

    it('refuses a body over 1 MiB with 413 INPUT_TOO_LARGE, except where a backup upload needs up to 2 MiB', async () => {
      const tooLarge = error(413, 'INPUT_TOO_LARGE', null, 'the request body is larger than this route accepts: see docs/api.md for its limit');
      expect(failure(await call('POST', '/v1/applications', { token: admin, body: newApp('Big', { description: 'd'.repeat(MiB) }) }))).toEqual(tooLarge);
      // A backup upload of the largest size takes more than 1 MiB of JSON: it reaches the backup parser.
      const content = randomBytes(MiB).toString('base64');
      expect(JSON.stringify({ content }).length).toBeGreaterThan(MiB);
      const upload = failure(await call('POST', '/v1/secret/verify', { token: admin, body: { content, password: 'violet tractor evening lantern' } }));
      expect([upload.status, upload.body.error.code]).toEqual([400, 'BACKUP_NOT_A_BACKUP']);
      expect(failure(await call('POST', '/v1/secret/verify', { token: admin, body: { content: content + content, password: 'x' } }))).toEqual(tooLarge);
    });

    it('refuses a body that is not JSON, malformed JSON, an empty JSON body and prototype pollution', async () => {
      // The harness's call() always sends JSON with a body: these go through fetch as they are.
      const raw = async (body: string | undefined, contentType: string) => {
        const answer = await fetch(`${api.url}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bobToken}`, 'content-type': contentType },
          body,
        });
        const text = await answer.text();
        answers.push({ status: answer.status, headers: answer.headers, body: JSON.parse(text) as unknown, text });
        return { status: answer.status, body: JSON.parse(text) as ErrorBody };
      };
      const notJson = error(415, 'REQUEST_INVALID', null, 'the request body must be JSON: send Content-Type: application/json');
      expect(await raw('application=Payroll', 'application/x-www-form-urlencoded')).toEqual(notJson);
      expect(await raw('<application>Payroll</application>', 'application/xml')).toEqual(notJson);
      expect(await raw('{"application": "Payroll"', 'application/json')).toEqual(invalid('the request body is not valid JSON'));
      expect(await raw('{"__proto__": {"admin": true}}', 'application/json')).toEqual(invalid('the request body is not valid JSON'));
      expect(await raw(undefined, 'application/json')).toEqual(invalid('the request says it holds JSON but its body is empty'));
    });

    // BUG: fastify's built-in text/plain parser is still registered, so text/plain is taken as a JSON
    // route's body and refused as "must be object" instead of with 415 like every other non-JSON type.
    it('refuses a text/plain body with 415 like any other body that is not JSON', async () => {
      const answer = await fetch(`${api.url}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'text/plain' },
        body: '{"application": "Payroll"}',
      });
      expect({ status: answer.status, body: await answer.json() }).toEqual(
        error(415, 'REQUEST_INVALID', null, 'the request body must be JSON: send Content-Type: application/json'),
      );
    });

    it('answers an unknown route or method 404 ROUTE_NOT_FOUND without asking for credentials, echoing no query string', async () => {
      expect(failure(await call('GET', '/v1/nothing?token=abc'))).toEqual(
        error(404, 'ROUTE_NOT_FOUND', null, 'no API route answers GET /v1/nothing: see /v1/openapi.json'),
      );
      expect(failure(await call('DELETE', '/v1/global'))).toEqual(
        error(404, 'ROUTE_NOT_FOUND', null, 'no API route answers DELETE /v1/global: see /v1/openapi.json'),
      );
      expect(failure(await call('GET', '/v2/applications', { token: admin }))).toEqual(
        error(404, 'ROUTE_NOT_FOUND', null, 'no API route answers GET /v2/applications: see /v1/openapi.json'),
      );
    });
  });

  // BUG: fastify answers a malformed percent-encoding (FST_ERR_BAD_URL) and an over-long path parameter
  // (FST_ERR_MAX_PARAM_LENGTH, 414) itself, bypassing the error handler: fastify's own body, no Cache-Control.
  it('answers a malformed path with the one error body and Cache-Control: no-store', async () => {
    const answer = await call('GET', '/v1/applications/%E0%A4%A', { token: admin });
    answers.pop();
    expect([answer.status, answer.body.error?.code, answer.headers.get('cache-control')]).toEqual([400, 'REQUEST_INVALID', 'no-store']);
  });

  describe('health', () => {
    it('answers 200 ready with the current MSID and whether a backup is required, to anyone', async () => {
      const status = await api.harness.service.status();
      const health = await call('GET', '/v1/health');
      expect([health.status, health.body]).toEqual([
        200,
        {
          live: true,
          ready: true,
          sealed: false,
          storeReachable: true,
          vaultId: status.vaultId,
          currentMsid: status.currentMsid,
          backupRequired: true,
          lastVerifiedBackupAt: null,
          problem: null,
        },
      ]);
    });

    it('answers 503 sealed while the seal key file holds another key, and ready again once it is put back', async () => {
      const original = await readFile(api.harness.sealKeyFile);
      await writeFile(api.harness.sealKeyFile, Buffer.concat([original.subarray(0, 8), randomBytes(original.length - 8)]));
      try {
        const health = await call<{ problem: { code: string; message: string } }>('GET', '/v1/health');
        expect([health.status, health.body]).toEqual([
          503,
          {
            live: true,
            ready: false,
            sealed: true,
            storeReachable: true,
            vaultId: null,
            currentMsid: null,
            backupRequired: null,
            lastVerifiedBackupAt: null,
            problem: { code: 'SEAL_MISMATCH', message: "not ready (SEAL_MISMATCH): the server's log says why and what to do" },
          },
        ]);
      } finally {
        await writeFile(api.harness.sealKeyFile, original);
      }
      expect((await call('GET', '/v1/health')).status).toBe(200);
    });

    // BUG: /v1/health is public, and its problem message names the seal key file's path on the server.
    it('tells an unauthenticated caller no server path when sealed', async () => {
      const original = await readFile(api.harness.sealKeyFile);
      await writeFile(api.harness.sealKeyFile, Buffer.concat([original.subarray(0, 8), randomBytes(original.length - 8)]));
      try {
        expect((await call('GET', '/v1/health')).text).not.toContain(api.harness.sealKeyFile);
      } finally {
        await writeFile(api.harness.sealKeyFile, original);
      }
    });
  });

  describe('metrics', () => {
    const metrics = async () => {
      const answer = await call<string>('GET', '/metrics');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return answer.text;
    };
    const sample = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };

    it('count lookups, tickets and failures by outcome', async () => {
      const before = await metrics();
      expect((await call('GET', '/v1/lookup/Payroll', { token: bobToken })).status).toBe(200);
      expect((await call('GET', '/v1/lookup/Payroll', { token: eveToken })).status).toBe(404);
      expect((await call('POST', '/v1/tickets', { token: bobToken, body: { application: 'Payroll' } })).status).toBe(409);
      expect((await call('PATCH', '/v1/global', { token: admin, body: { ticketsAllowed: true } })).status).toBe(200);
      expect((await call('POST', '/v1/tickets', { token: bobToken, body: { application: 'Payroll' } })).status).toBe(201);
      const after = await metrics();
      const moved = (series: string) => sample(after, series) - sample(before, series);
      expect({
        lookupsOk: moved('tessera_lookups_total{kind="credentials",outcome="ok"}'),
        lookupsNoApp: moved('tessera_lookups_total{kind="credentials",outcome="NO_APP"}'),
        ticketsRefused: moved('tessera_tickets_total{operation="issue",outcome="TICKETS_NOT_ALLOWED"}'),
        ticketsOk: moved('tessera_tickets_total{operation="issue",outcome="ok"}'),
        noApp: moved('tessera_failures_total{code="NO_APP"}'),
        notAllowed: moved('tessera_failures_total{code="TICKETS_NOT_ALLOWED"}'),
      }).toEqual({ lookupsOk: 1, lookupsNoApp: 1, ticketsRefused: 1, ticketsOk: 1, noApp: 1, notAllowed: 1 });
      expect(after).toMatch(/^tessera_http_request_duration_seconds_count\{route="\/v1\/lookup\/:name",method="GET",status="200"\} \d+$/m);
      expect(after).toMatch(/^tessera_keyring_age_seconds \d+$/m);
    });

    it('hold no application, account, token or path a caller sent in any label', async () => {
      const probe = `/v1/probe-${randomUUID()}`;
      expect((await call('GET', probe)).status).toBe(404);
      const text = await metrics();
      for (const leak of ['Payroll', 'CORP', 'bob', 's3cret', admin, bobToken, probe]) expect(text).not.toContain(leak);
      const labels = [...text.matchAll(/\{([^}]*)\}/g)].flatMap((match) => match[1]!.split(/,(?=\w+=)/).map((pair) => pair.split('=')[0]));
      expect(new Set(labels)).toEqual(new Set(['route', 'method', 'status', 'le', 'kind', 'outcome', 'operation', 'code']));
    });
  });

  describe('the OpenAPI document', () => {
    it('is OpenAPI 3 with every route and method, each with its responses, parameters and resolvable references', async () => {
      const answer = await call<{
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, { responses?: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
        components?: { schemas?: Record<string, unknown> };
      }>('GET', '/v1/openapi.json');
      expect(answer.status).toBe(200);
      const document = answer.body;
      expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(document.info.title).toBe('Tessera API');
      const methods = Object.fromEntries(Object.entries(document.paths).map(([path, item]) => [path, Object.keys(item).sort()]));
      expect(methods).toEqual(Object.fromEntries(Object.entries(API_ROUTES).map(([path, list]) => [path, [...list].sort()])));
      for (const [path, item] of Object.entries(document.paths)) {
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        for (const [method, operation] of Object.entries(item)) {
          expect(Object.keys(operation.responses ?? {}), `${method} ${path} responses`).not.toEqual([]);
          const inPath = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
          expect(inPath.sort(), `${method} ${path} path parameters`).toEqual([...templated].sort());
        }
      }
      const text = JSON.stringify(document);
      for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(document.components?.schemas?.[ref!], ref).toBeDefined();
      expect(text).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
    });
  });

  it('marks every answer Cache-Control: no-store, errors included', async () => {
    expect((await call('GET', '/v1/applications')).status).toBe(401);
    expect((await call('GET', '/v1/events', { token: bobToken })).status).toBe(403);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200, 201, 204, 400, 401, 403, 404, 409, 413, 415, 503]));
    for (const answer of answers) expect(answer.headers.get('cache-control'), `${answer.status} ${answer.text.slice(0, 80)}`).toBe('no-store');
  });

  // Last: this closes the store under the running server.
  it('answers an unexpected failure 500 INTERNAL with only a correlation id, and logs the details under it', async () => {
    await api.harness.store.close();
    const answer = await call('GET', '/v1/applications', { token: admin });
    const id = answer.body.error.correlationId!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(failure(answer)).toEqual({
      status: 500,
      body: {
        error: {
          code: 'INTERNAL',
          message: `an unexpected failure stopped the request; quote ${id} to find the details in the server's log`,
          event: null,
          correlationId: id,
        },
      },
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const logged = (await api.harness.readLog())
      .split('\n')
      .filter((line) => line.includes(id))
      .map((line) => JSON.parse(line) as { msg: string; correlationId: string; route: string; err?: { message: string; stack: string } });
    expect(logged).toEqual([expect.objectContaining({ msg: 'unexpected failure', correlationId: id, route: '/v1/applications' })]);
    expect(logged[0]!.err?.stack).toEqual(expect.stringContaining(logged[0]!.err!.message));
    expect(answer.text).not.toContain(logged[0]!.err!.message);
    // Health says the node is not ready, and no more than that.
    const health = await call('GET', '/v1/health');
    expect([health.status, health.body]).toEqual([
      503,
      expect.objectContaining({
        ready: false,
        sealed: false,
        storeReachable: false,
        problem: { code: 'INTERNAL', message: "not ready (INTERNAL): the server's log says why and what to do" },
      }),
    ]);
  });

  // BUG: while the server drains, fastify's return503OnClosing answers with its own hard-coded body
  // ({"error":"Service Unavailable",...}), not the one error body with SHUTTING_DOWN, and without Cache-Control.
  // Last of all: this stops the server.
  it('answers a request that arrives while the server stops 503 SHUTTING_DOWN in the one error body', async () => {
    const url = new URL(api.url);
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = '{"application":"Payroll"}';
    // A request in flight: its body is not all there yet when the stop begins.
    socket.write(
      `POST /v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bobToken}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = api.server.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(`${body.slice(1)}GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n`);
    await stopping;
    await new Promise((resolve) => socket.once('close', resolve));
    const second = received.slice(received.indexOf('HTTP/1.1', 1));
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second.toLowerCase()).toContain('cache-control: no-store');
    expect(second).toContain('"code":"SHUTTING_DOWN"');
  });
});
