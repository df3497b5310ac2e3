/**
 * API tokens through the token service (service/tokens.ts), on both stores: who may create,
 * revoke and list them, what is stored (a hash, never the secret), and authentication: a valid
 * token, then every way one can be wrong, each answered with the one message, and expiry and the
 * last-use throttle by the injected clock.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventEmitter } from '../../src/events/index.js';
import { createTokenService, INVALID_TOKEN_MESSAGE, type Principal, TOKEN_RECHECK_MS, type TokenService } from '../../src/service/index.js';
import { storeTargets } from '../support/databases.js';
import { openRawSql } from '../support/raw-sql.js';
import { createHarness, type Harness } from './harness.js';

const root: Principal = { name: 'HOST\\root', groups: [], localAdministrator: true };
const admins: Principal = { name: 'CORP\\alice', groups: ['CORP\\SSO Admins'] };
const eve: Principal = { name: 'CORP\\eve', groups: ['CORP\\Payroll Admins'] };
const MINUTE = 60_000;
const TOKEN = /^tsr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

describe.each(storeTargets)('API tokens on $name', (target) => {
  let h: Harness;
  let tokens: TokenService;
  let logFile: string;

  /** A token service as another process would have it: same store and clock, its own memory. */
  function tokenService(): TokenService {
    const logger = pino(pino.destination({ dest: logFile, sync: true }));
    const events = createEventEmitter({ sink: h.store, logger, now: () => h.clock.now });
    return createTokenService({ store: h.store, events, computerName: 'HOST', now: () => h.clock.now });
  }

  beforeEach(async () => {
    h = await createHarness(target);
    logFile = join(h.dir, 'tokens.log');
    tokens = tokenService();
    await h.store.updateGlobalInfo({ ssoAdminAccounts: ['CORP\\SSO Admins'] });
  });
  afterEach(() => h.close());

  const later = (ms: number) => new Date(h.clock.now.getTime() + ms);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
    );
  const refused = `UNAUTHENTICATED: ${INVALID_TOKEN_MESSAGE}`;
  /** Everything the vault wrote down: events and the log. */
  const trail = async () => JSON.stringify(await h.store.listEvents()) + (await readFile(logFile, 'utf8').catch(() => ''));

  describe('create', () => {
    it('hands the token back once, stores only the SHA-256 of its secret part, and audits the creation', async () => {
      const created = await tokens.create(
        { account: 'CORP\\svc-payroll', groups: ['CORP\\Payroll Admins'], description: 'batch', expiresAt: later(30 * 24 * 60 * MINUTE) },
        root,
      );
      const [, id, secret] = TOKEN.exec(created.token)!;
      expect(created).toEqual({
        token: created.token,
        id,
        account: 'CORP\\svc-payroll',
        groups: ['CORP\\Payroll Admins'],
        description: 'batch',
        expiresAt: later(30 * 24 * 60 * MINUTE).toISOString(),
        createdAt: h.clock.now.toISOString(),
      });
      const stored = (await h.store.getToken(id!))!;
      expect(stored.secretHash.equals(createHash('sha256').update(secret!).digest())).toBe(true);
      expect(stored.createdBy).toBe('HOST\\root');
      expect(JSON.stringify(await h.store.listTokens({ includeRevoked: true }))).not.toContain(secret);

      const audit = await h.store.listEvents({ id: 10535 });
      expect(audit.map((event) => event.message)).toEqual([`CreateApiToken on API token ${id} by HOST\\root succeeded.`]);
      expect(audit[0]?.params).toMatchObject({ Function: 'CreateApiToken', 'Client User': 'HOST\\root', 'Client Computer': 'HOST' });
      expect(await trail()).not.toContain(secret);
    });

    it('makes a different id and secret each time', async () => {
      const made = await Promise.all([1, 2, 3].map(() => tokens.create({ account: 'CORP\\svc', groups: [] }, root)));
      expect(new Set(made.map((token) => token.id)).size).toBe(3);
      expect(new Set(made.map((token) => token.token.slice(21))).size).toBe(3);
      expect(made.map((token) => token.expiresAt)).toEqual([null, null, null]);
    });

    it('is for SSO administrators by membership too, and refused to anyone else, storing nothing', async () => {
      await tokens.create({ account: 'CORP\\svc', groups: [] }, admins);
      expect(await failure(tokens.create({ account: 'CORP\\eve', groups: ['CORP\\SSO Admins'] }, eve))).toBe(
        'ACCESS_DENIED: CORP\\eve may not create API tokens: that needs membership of SSO Administrators. Ask an SSO administrator',
      );
      expect((await h.store.listTokens()).map((token) => token.createdBy)).toEqual(['CORP\\alice']);
      expect((await h.store.listEvents({ id: 10536 })).map((event) => event.params['Error Code'])).toEqual(['ACCESS_DENIED']);
    });

    it("checks the account and groups with the vault's account rules, keeps each group once, and bounds their number", async () => {
      expect(await failure(tokens.create({ account: 'svc', groups: [] }, root))).toBe(
        'ACCOUNT_INVALID: "svc" is not an account name: write DOMAIN\\name or name@domain',
      );
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: ['Everyone'] }, root))).toBe(
        'ACCOUNT_INVALID: Everyone is a built-in account; name a domain group or user instead',
      );
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: Array.from({ length: 65 }, (_, i) => `CORP\\g${i}`) }, root))).toBe(
        'INVALID_ARGUMENT: an API token may carry at most 64 groups, not 65: give the groups its calls need',
      );
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: [], description: 'x'.repeat(257) }, root))).toBe(
        'FIELD_TOO_LONG: the description has 257 characters and may have at most 256',
      );
      const made = await tokens.create({ account: 'CORP\\svc', groups: ['CORP\\A', 'corp\\a', 'CORP\\B'] }, root);
      expect(made.groups).toEqual(['CORP\\A', 'CORP\\B']);
      expect(await h.store.listTokens()).toHaveLength(1);
    });

    it('takes an expiry in the future and at most 5 years away', async () => {
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: [], expiresAt: h.clock.now }, root))).toBe(
        `INVALID_ARGUMENT: an API token's expiry must be in the future: ${h.clock.now.toISOString()} is not after ${h.clock.now.toISOString()}`,
      );
      const fiveYears = new Date(h.clock.now);
      fiveYears.setUTCFullYear(fiveYears.getUTCFullYear() + 5);
      const tooLate = new Date(fiveYears.getTime() + 1);
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: [], expiresAt: tooLate }, root))).toBe(
        `INVALID_ARGUMENT: an API token may live at most 5 years: ${tooLate.toISOString()} is after ${fiveYears.toISOString()}; choose an earlier expiry`,
      );
      expect(await failure(tokens.create({ account: 'CORP\\svc', groups: [], expiresAt: new Date(Number.NaN) }, root))).toBe(
        'INVALID_ARGUMENT: the expiry of an API token is not a valid time',
      );
      expect((await tokens.create({ account: 'CORP\\svc', groups: [], expiresAt: fiveYears }, root)).expiresAt).toBe(fiveYears.toISOString());
    });
  });

  describe('authenticate', () => {
    it('answers the principal the token stands for, never a local administrator', async () => {
      const { token } = await tokens.create({ account: 'CORP\\svc-payroll', groups: ['CORP\\Payroll Admins', 'CORP\\SSO Admins'] }, root);
      expect(await tokens.authenticate(token)).toEqual({
        name: 'CORP\\svc-payroll',
        groups: ['CORP\\Payroll Admins', 'CORP\\SSO Admins'],
        localAdministrator: false,
      });
    });

    it('refuses every altered, malformed or oversized token with the one message, which never repeats it', async () => {
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      const other = await tokens.create({ account: 'CORP\\other', groups: [] }, root);
      const secret = token.slice(21);
      const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      const wrong = {
        'a wrong secret': flip(token, token.length - 5),
        'an altered id': `tsr_${id.slice(0, 15)}${id.endsWith('0') ? '1' : '0'}_${secret}`,
        "another token's id with this secret": `tsr_${other.id}_${secret}`,
        'an unknown id': `tsr_0000000000000000_${secret}`,
        'a cut-off secret': token.slice(0, -1),
        'an added character': `${token}A`,
        'a trailing newline': `${token}\n`,
        'another prefix': token.replace('tsr_', 'TSR_'),
        'an empty text': '',
        'a 129-character text starting with the token': token + 'A'.repeat(129 - token.length),
        'a megabyte': token + 'A'.repeat(1 << 20),
      };
      for (const [what, text] of Object.entries(wrong)) {
        const error = (await tokens.authenticate(text).catch((e: unknown) => e)) as Error & { code: string; status: number };
        expect(`${error.code}: ${error.message}`, what).toBe(refused);
        expect(error.status, what).toBe(401);
      }
      // The genuine ones still work, and nothing of any text tried was written down.
      expect((await tokens.authenticate(token)).name).toBe('CORP\\svc');
      expect((await tokens.authenticate(other.token)).name).toBe('CORP\\other');
      expect(await trail()).not.toContain(secret);
    });

    it('matches the SHA-256 of the secret part as written, and the id exactly as stored (lower case)', async () => {
      const secret = 'Q'.repeat(42) + 'A';
      await h.store.insertToken({
        id: 'abcdefabcdefabcd',
        secretHash: createHash('sha256').update(secret).digest(),
        account: 'CORP\\svc',
        groups: [],
        description: null,
        createdAt: h.clock.now.toISOString(),
        createdBy: 'HOST\\root',
        expiresAt: null,
      });
      expect((await tokens.authenticate(`tsr_abcdefabcdefabcd_${secret}`)).name).toBe('CORP\\svc');
      expect(await failure(tokens.authenticate(`tsr_ABCDEFABCDEFABCD_${secret}`))).toBe(refused);
      // The same 32 bytes spelled another way (base64url's last character carries 2 spare bits).
      expect(await failure(tokens.authenticate(`tsr_abcdefabcdefabcd_${'Q'.repeat(42)}B`))).toBe(refused);
    });

    it('refuses a stored hash of the wrong length (a tampered row) like any other failure', async () => {
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      const raw = await openRawSql(h.config);
      try {
        await raw.run('update api_tokens set secret_hash = ? where id = ?', [Buffer.alloc(7), id]);
      } finally {
        await raw.close();
      }
      expect(await failure(tokens.authenticate(token))).toBe(refused);
    });

    it('stops at the expiry instant, by the injected clock', async () => {
      const { token } = await tokens.create({ account: 'CORP\\svc', groups: [], expiresAt: later(60 * MINUTE) }, root);
      h.clock.now = later(60 * MINUTE - 1);
      expect((await tokens.authenticate(token)).name).toBe('CORP\\svc');
      h.clock.now = later(1);
      expect(await failure(tokens.authenticate(token))).toBe(refused);
    });

    it('records the last use at most once a minute per token, and each process on its own', async () => {
      const start = h.clock.now;
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      const lastUsed = async () => (await h.store.getToken(id))?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      await tokens.authenticate(token);
      expect(await lastUsed()).toBe(start.toISOString());
      h.clock.now = later(MINUTE - 1);
      await tokens.authenticate(token);
      expect(await lastUsed()).toBe(start.toISOString());
      // Another process has not written it yet.
      await tokenService().authenticate(token);
      expect(await lastUsed()).toBe(h.clock.now.toISOString());
      h.clock.now = new Date(start.getTime() + MINUTE);
      await tokens.authenticate(token);
      expect(await lastUsed()).toBe(h.clock.now.toISOString());
    });
  });

  describe('revoke and list', () => {
    it('revokes a token, which then authenticates no more, and audits it', async () => {
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      await tokens.authenticate(token);
      h.clock.now = later(MINUTE);
      const revoked = await tokens.revoke(id, admins);
      expect(revoked).toMatchObject({ id, revokedAt: h.clock.now.toISOString(), revokedBy: 'CORP\\alice' });
      expect(await failure(tokens.authenticate(token))).toBe(refused);
      expect((await h.store.listEvents({ id: 10535 })).map((event) => event.message)).toContain(`RevokeApiToken on API token ${id} by CORP\\alice succeeded.`);
    });

    it('stops a token revoked by another process within TOKEN_RECHECK_MS, and one revoked here at once', async () => {
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      await tokens.authenticate(token);
      await tokenService().revoke(id, admins);
      // This process read the row just now: it trusts it for the recheck window, no longer.
      h.clock.now = later(TOKEN_RECHECK_MS - 1);
      expect((await tokens.authenticate(token)).name).toBe('CORP\\svc');
      h.clock.now = later(1);
      expect(await failure(tokens.authenticate(token))).toBe(refused);

      const other = await tokens.create({ account: 'CORP\\svc2', groups: [] }, root);
      await tokens.authenticate(other.token);
      await tokens.revoke(other.id, admins);
      expect(await failure(tokens.authenticate(other.token))).toBe(refused);
    });

    it('answers TOKEN_NOT_FOUND for an unknown or already revoked id, and never repeats a malformed one', async () => {
      const { token, id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      await tokens.revoke(id.toUpperCase(), root);
      expect(await failure(tokens.revoke(id, root))).toBe(
        `TOKEN_NOT_FOUND: no API token has the id ${id}, or it was already revoked: list tokens with tessera token list --all`,
      );
      expect(await failure(tokens.revoke('0123456789abcdef', root))).toBe(
        'TOKEN_NOT_FOUND: no API token has the id 0123456789abcdef, or it was already revoked: list tokens with tessera token list --all',
      );
      // The whole token pasted where its id belongs: neither the error nor an event repeats it.
      expect(await failure(tokens.revoke(token, root))).toBe(
        'TOKEN_NOT_FOUND: no API token has that id: an id is 16 hexadecimal digits, as tessera token list shows it',
      );
      expect(await trail()).not.toContain(token.slice(21));
    });

    it('lets only SSO administrators revoke and list', async () => {
      const { id } = await tokens.create({ account: 'CORP\\svc', groups: [] }, root);
      expect(await failure(tokens.revoke(id, eve))).toBe(
        'ACCESS_DENIED: CORP\\eve may not revoke API tokens: that needs membership of SSO Administrators. Ask an SSO administrator',
      );
      expect(await failure(tokens.list(eve))).toBe(
        'ACCESS_DENIED: CORP\\eve may not list API tokens: that needs membership of SSO Administrators. Ask an SSO administrator',
      );
      expect((await h.store.getToken(id))?.revokedAt).toBeNull();
    });

    it('lists tokens oldest first without hashes, revoked ones only when asked', async () => {
      const first = await tokens.create({ account: 'CORP\\one', groups: ['CORP\\G'], description: 'first' }, root);
      h.clock.now = later(MINUTE);
      const second = await tokens.create({ account: 'CORP\\two', groups: [], expiresAt: later(MINUTE) }, root);
      await tokens.revoke(first.id, root);
      expect(await tokens.list(admins)).toEqual([
        {
          id: second.id,
          account: 'CORP\\two',
          groups: [],
          description: null,
          createdAt: h.clock.now.toISOString(),
          createdBy: 'HOST\\root',
          expiresAt: later(MINUTE).toISOString(),
          revokedAt: null,
          revokedBy: null,
          lastUsedAt: null,
        },
      ]);
      const all = await tokens.list(root, { includeRevoked: true });
      expect(all.map((token) => [token.account, token.revokedBy])).toEqual([
        ['CORP\\one', 'HOST\\root'],
        ['CORP\\two', null],
      ]);
      expect(Object.keys(all[0]!)).not.toContain('secretHash');
    });
  });
});
