/** The store's API token methods (types.ts), run against every backend in storeTargets. */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/tessera-error.js';
import { openStore, type NewApiToken, type Store } from '../../src/store/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';

function sampleToken(id: string, overrides: Partial<NewApiToken> = {}): NewApiToken {
  return {
    id,
    secretHash: createHash('sha256').update(`secret of ${id}`).digest(),
    account: 'CORP\\svc-payroll',
    groups: ['CORP\\Payroll Admins', 'CORP\\Zoë'],
    description: 'payroll batch',
    createdAt: '2026-11-25T10:00:00.000Z',
    createdBy: 'HOST\\root',
    expiresAt: '2026-12-25T10:00:00.000Z',
    ...overrides,
  };
}

describe.each(storeTargets)('token store contract: $name', (target) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await target.create();
    store = await openStore(database.config);
  });

  afterEach(async () => {
    await store.close();
    await database.cleanup();
  });

  it('round-trips every field, hash bytes intact, never revoked or used at first', async () => {
    const token = sampleToken('00112233445566ff');
    const expected = { ...token, revokedAt: null, revokedBy: null, lastUsedAt: null };
    expect(await store.insertToken(token)).toEqual(expected);
    const read = await store.getToken('00112233445566ff');
    expect(read).toEqual(expected);
    expect(Buffer.isBuffer(read?.secretHash)).toBe(true);
    expect(read?.secretHash.equals(token.secretHash)).toBe(true);
  });

  it('keeps nullable fields null: no description, no expiry', async () => {
    await store.insertToken(sampleToken('aaaaaaaaaaaaaaaa', { description: null, expiresAt: null, groups: [] }));
    expect(await store.getToken('aaaaaaaaaaaaaaaa')).toMatchObject({ description: null, expiresAt: null, groups: [] });
  });

  it('answers undefined for an unknown id, and matches ids exactly (no case folding)', async () => {
    await store.insertToken(sampleToken('abcdefabcdefabcd'));
    expect(await store.getToken('0000000000000000')).toBeUndefined();
    expect(await store.getToken('ABCDEFABCDEFABCD')).toBeUndefined();
  });

  it('refuses a second token with the same id and keeps the first hash', async () => {
    const first = sampleToken('1111111111111111');
    await store.insertToken(first);
    const error: unknown = await store
      .insertToken(sampleToken('1111111111111111', { secretHash: Buffer.alloc(32, 7), account: 'CORP\\mallory' }))
      .catch((e: unknown) => e);
    expect(isTesseraError(error, 'INVALID_QUERY')).toBe(true);
    expect((error as Error).message).toBe('an API token with id 1111111111111111 already exists');
    expect(await store.getToken('1111111111111111')).toMatchObject({ account: 'CORP\\svc-payroll', secretHash: first.secretHash });
  });

  it('lists oldest first, revoked tokens only when asked', async () => {
    await store.insertToken(sampleToken('3333333333333333', { createdAt: '2026-11-25T12:00:00.000Z' }));
    await store.insertToken(sampleToken('2222222222222222', { createdAt: '2026-11-25T11:00:00.000Z' }));
    await store.insertToken(sampleToken('4444444444444444', { createdAt: '2026-11-25T13:00:00.000Z' }));
    expect(await store.revokeToken('3333333333333333', '2026-11-26T00:00:00.000Z', 'HOST\\root')).toBe(true);

    expect((await store.listTokens()).map((token) => token.id)).toEqual(['2222222222222222', '4444444444444444']);
    expect((await store.listTokens({ includeRevoked: false })).map((token) => token.id)).toEqual(['2222222222222222', '4444444444444444']);
    const all = await store.listTokens({ includeRevoked: true });
    expect(all.map((token) => token.id)).toEqual(['2222222222222222', '3333333333333333', '4444444444444444']);
    expect(all[1]).toMatchObject({ revokedAt: '2026-11-26T00:00:00.000Z', revokedBy: 'HOST\\root' });
    expect(await store.listTokens()).not.toContainEqual(expect.objectContaining({ revokedAt: expect.any(String) as string }));
  });

  it('revokes once: a second revoke and an unknown id answer false and change nothing', async () => {
    await store.insertToken(sampleToken('5555555555555555'));
    expect(await store.revokeToken('5555555555555555', '2026-11-26T00:00:00.000Z', 'HOST\\root')).toBe(true);
    expect(await store.revokeToken('5555555555555555', '2026-11-27T00:00:00.000Z', 'CORP\\other')).toBe(false);
    expect(await store.revokeToken('6666666666666666', '2026-11-27T00:00:00.000Z', 'HOST\\root')).toBe(false);
    expect(await store.getToken('5555555555555555')).toMatchObject({ revokedAt: '2026-11-26T00:00:00.000Z', revokedBy: 'HOST\\root' });
  });

  it('lets exactly one of concurrent revokers win', async () => {
    await store.insertToken(sampleToken('7777777777777777'));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.revokeToken('7777777777777777', '2026-11-26T00:00:00.000Z', `CORP\\admin${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('records the last use, never moving it back, and touches nothing else', async () => {
    const token = sampleToken('8888888888888888');
    await store.insertToken(token);
    await store.insertToken(sampleToken('9999999999999999'));
    await store.touchToken('8888888888888888', '2026-11-25T10:05:00.000Z');
    expect((await store.getToken('8888888888888888'))?.lastUsedAt).toBe('2026-11-25T10:05:00.000Z');
    // A node whose clock lags writes an earlier time: the later one stays.
    await store.touchToken('8888888888888888', '2026-11-25T10:04:00.000Z');
    expect((await store.getToken('8888888888888888'))?.lastUsedAt).toBe('2026-11-25T10:05:00.000Z');
    await store.touchToken('8888888888888888', '2026-11-25T10:06:00.000Z');
    expect(await store.getToken('8888888888888888')).toEqual({ ...token, revokedAt: null, revokedBy: null, lastUsedAt: '2026-11-25T10:06:00.000Z' });
    expect((await store.getToken('9999999999999999'))?.lastUsedAt).toBeNull();
    await expect(store.touchToken('0000000000000000', '2026-11-25T10:06:00.000Z')).resolves.toBeUndefined();
  });
});
