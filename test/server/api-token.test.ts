/**
 * The API token authenticator on its own (no server): which Authorization headers it takes, which
 * it leaves to the other authenticators, and what it answers for each, on both stores.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventEmitter } from '../../src/events/index.js';
import type { Credentials } from '../../src/server/auth/authenticator.js';
import { apiTokenAuthenticator } from '../../src/server/auth/api-token.js';
import { createTokenService, INVALID_TOKEN_MESSAGE, localPrincipal } from '../../src/service/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';

const credentials = (authorization: string | undefined): Credentials => ({
  authorization,
  peerCertificate: undefined,
  remoteAddress: '127.0.0.1',
  headers: authorization === undefined ? {} : { authorization },
});

describe.each(storeTargets)('API token authenticator on $name', (target) => {
  let database: TestDatabase;
  let store: Store;
  let token: string;
  let authenticator: ReturnType<typeof apiTokenAuthenticator>;

  beforeEach(async () => {
    database = await target.create();
    store = await openStore(database.config);
    const now = () => new Date('2026-11-25T10:00:00Z');
    const events = createEventEmitter({ sink: store, logger: pino({ level: 'silent' }), now });
    const tokens = createTokenService({ store, events, computerName: 'HOST', now });
    ({ token } = await tokens.create({ account: 'CORP\\svc', groups: ['CORP\\Payroll Admins'] }, localPrincipal('HOST', 'root')));
    authenticator = apiTokenAuthenticator(tokens);
  });
  afterEach(async () => {
    await store.close();
    await database.cleanup();
  });

  const principal = { name: 'CORP\\svc', groups: ['CORP\\Payroll Admins'], localAdministrator: false };

  it('is the token method', () => {
    expect(authenticator.method).toBe('token');
  });

  it('authenticates a bearer API token, whatever the case of the scheme and the spaces after it', async () => {
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`]) {
      expect(await authenticator.authenticate(credentials(header)), header.slice(0, 10)).toEqual(principal);
    }
  });

  it('leaves requests without an API token to the other authenticators', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl';
    for (const header of [undefined, '', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${jwt}`, `Bearer${token}`, `Token ${token}`, `Bearer  `]) {
      expect(await authenticator.authenticate(credentials(header)), String(header)).toBeUndefined();
    }
  });

  it('refuses a bearer that looks like an API token but is not a valid one, never repeating it', async () => {
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const header of [`Bearer ${altered}`, 'Bearer tsr_', `Bearer ${token}x`, `Bearer ${token}${'A'.repeat(200)}`]) {
      const error = (await authenticator.authenticate(credentials(header)).catch((e: unknown) => e)) as Error & { code?: string };
      expect(`${error.code}: ${error.message}`).toBe(`UNAUTHENTICATED: ${INVALID_TOKEN_MESSAGE}`);
      expect(error.message).not.toContain('tsr_');
    }
  });
});
