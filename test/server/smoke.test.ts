import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { ssoAdmin, startTestServer, type TestServer } from '../support/server.js';

describe.each(storeTargets)('server on $name', (target) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer(target);
  });
  afterAll(async () => api?.close());

  it('lists applications for an administrator', async () => {
    const token = await api.bearer(ssoAdmin);
    const created = await api.call('POST', '/v1/applications', { token, body: { name: 'Payroll', userAccounts: ['CORP\\Payroll Users'], adminAccounts: [] } });
    expect(created.status).toBe(201);
    const listed = await api.call<Array<{ name: string }>>('GET', '/v1/applications', { token });
    expect(listed.body.map((app) => app.name)).toEqual(['Payroll']);
  });
});
