/**
 * API tokens for the HTTP server (docs/tokens.md). A token reads `tsr_<id>_<secret>`: the id is
 * public (list, revoke and events name it), the secret is 32 random bytes in base64url, and only
 * SHA-256 of the secret part is stored. A 256-bit random secret cannot be guessed, so a slow
 * password hash would add nothing but a cost to every request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fail } from '../errors/index.js';
import type { ApiTokenRecord, Store } from '../store/index.js';
import { checkAccount, checkText, nameKey } from '../vault/index.js';
import { audited } from './audited.js';
import { requireSsoAdmin } from './authorize.js';
import type { EventSink, Principal } from './deps.js';

export const API_TOKEN_PREFIX = 'tsr_';
/** Longer texts are refused before they are looked at; a token is 64 characters. */
export const MAX_API_TOKEN_LENGTH = 128;
export const MAX_TOKEN_GROUPS = 64;
export const MAX_TOKEN_LIFETIME_YEARS = 5;
/** A token's last use is written at most this often per token and process, so lookups do not each write. */
export const LAST_USE_INTERVAL_MS = 60_000;
/** How long a token's row read by this process is trusted before it is read again (a revoke elsewhere counts after at most this). */
export const TOKEN_RECHECK_MS = 1_000;
/** Rows kept at once; the oldest goes first. */
const MAX_RECENT_TOKENS = 10_000;

const ID_BYTES = 8;
const SECRET_BYTES = 32;
const ID_SHAPE = /^[0-9a-f]{16}$/;
const TOKEN_SHAPE = /^tsr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** One answer for every failure, so it tells nobody whether the id exists; it never repeats the token. */
export const INVALID_TOKEN_MESSAGE =
  'the API token is not valid: it is unknown, revoked or expired, or was altered; ask an SSO administrator for a new one (tessera token create)';

/** Compared against when the id is unknown, so that case takes the time a wrong secret takes. */
const DUMMY_HASH = randomBytes(32);

export interface TokenServiceDeps {
  store: Pick<Store, 'getGlobalInfo' | 'insertToken' | 'getToken' | 'listTokens' | 'revokeToken' | 'touchToken'>;
  events: EventSink;
  computerName: string;
  now(): Date;
}

export interface NewTokenInput {
  /** The principal the token stands for (`DOMAIN\name` or `name@domain`), and its groups. */
  account: string;
  groups: string[];
  /** Absent: the token lives until it is revoked. */
  expiresAt?: Date;
  description?: string;
}

/** A token as listed: never its hash, never its secret. */
export interface TokenInfo {
  id: string;
  account: string;
  groups: string[];
  description: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

/** What create hands back: the token text, here and nowhere else. */
export interface CreatedToken {
  token: string;
  id: string;
  account: string;
  groups: string[];
  description: string | null;
  expiresAt: string | null;
  createdAt: string;
}

export function createTokenService(deps: TokenServiceDeps) {
  const { store } = deps;
  /** Token id -> when this process last wrote its last use (by the injected clock). */
  const lastWritten = new Map<string, number>();
  /**
   * Token id -> its row and when it was read (by the injected clock): a caller sending many
   * requests costs one read a second, not one a request. A revoke through this process drops
   * the row at once; one through another process counts here within TOKEN_RECHECK_MS.
   */
  const recent = new Map<string, { record: ApiTokenRecord | undefined; readAt: number }>();
  /** Bumped by every revoke here: a row read while one ran may predate it, and is not kept. */
  let revokes = 0;
  const tokenRow = async (id: string, now: number): Promise<ApiTokenRecord | undefined> => {
    const cached = recent.get(id);
    if (cached && now - cached.readAt < TOKEN_RECHECK_MS && now >= cached.readAt) return cached.record;
    const before = revokes;
    const record = await store.getToken(id);
    // Unknown ids are not kept: guessing must not grow the map.
    if (record && revokes === before) {
      if (recent.size >= MAX_RECENT_TOKENS) recent.delete(recent.keys().next().value!);
      recent.set(id, { record, readAt: now });
    } else recent.delete(id);
    return record;
  };

  return {
    /** Makes a token for `input.account` (SSO administrators only); its text is in the result only. */
    async create(input: NewTokenInput, principal: Principal): Promise<CreatedToken> {
      const id = randomBytes(ID_BYTES).toString('hex');
      return audited(deps, { function: 'CreateApiToken', principal, application: '', change: true, subject: `API token ${id}` }, async () => {
        await requireSsoAdmin(store, principal, 'create API tokens');
        const now = deps.now();
        checkAccount(input.account);
        const groups = checkGroups(input.groups);
        if (input.description !== undefined) checkText('description', input.description);
        const expiresAt = checkExpiry(input.expiresAt, now);
        const secret = randomBytes(SECRET_BYTES).toString('base64url');
        const record = await store.insertToken({
          id,
          secretHash: sha256(secret),
          account: input.account,
          groups,
          description: input.description || null,
          createdAt: now.toISOString(),
          createdBy: principal.name,
          expiresAt,
        });
        return {
          token: `${API_TOKEN_PREFIX}${id}_${secret}`,
          id,
          account: record.account,
          groups: record.groups,
          description: record.description,
          expiresAt: record.expiresAt,
          createdAt: record.createdAt,
        };
      });
    },

    /** Revokes a token (SSO administrators only): TOKEN_NOT_FOUND when it is unknown or already revoked. */
    async revoke(id: string, principal: Principal): Promise<TokenInfo> {
      // A malformed id is never repeated: it may be a whole token pasted by mistake.
      const wellFormed = id.length === 16 && ID_SHAPE.test(id.toLowerCase());
      const subject = wellFormed ? `API token ${id.toLowerCase()}` : 'an API token';
      return audited(deps, { function: 'RevokeApiToken', principal, application: '', change: true, subject }, async () => {
        await requireSsoAdmin(store, principal, 'revoke API tokens');
        if (!wellFormed) {
          throw fail('TOKEN_NOT_FOUND', 'no API token has that id: an id is 16 hexadecimal digits, as tessera token list shows it');
        }
        const key = id.toLowerCase();
        revokes++;
        if (!(await store.revokeToken(key, deps.now().toISOString(), principal.name))) {
          throw fail('TOKEN_NOT_FOUND', `no API token has the id ${key}, or it was already revoked: list tokens with tessera token list --all`);
        }
        lastWritten.delete(key);
        recent.delete(key);
        revokes++;
        return tokenInfo((await store.getToken(key))!);
      });
    },

    /** Every token (SSO administrators only), oldest first; revoked ones only with `includeRevoked`. */
    async list(principal: Principal, options: { includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
      return audited(deps, { function: 'ListApiTokens', principal, application: '', change: false }, async () => {
        await requireSsoAdmin(store, principal, 'list API tokens');
        return (await store.listTokens({ includeRevoked: options.includeRevoked === true })).map(tokenInfo);
      });
    },

    /**
     * The principal a token stands for, or UNAUTHENTICATED with one message whatever was wrong:
     * too long, malformed, unknown id, wrong secret, revoked or expired (by the injected clock).
     */
    async authenticate(text: string): Promise<Principal> {
      if (text.length > MAX_API_TOKEN_LENGTH) throw invalidToken();
      const match = TOKEN_SHAPE.exec(text);
      if (!match) throw invalidToken();
      const [, id, secret] = match as unknown as [string, string, string];
      const now = deps.now();
      const record = await tokenRow(id, now.getTime());
      const presented = sha256(secret);
      // Compared even when the id is unknown (against a dummy), so timing does not tell the two apart.
      const stored = record?.secretHash.length === presented.length ? record.secretHash : DUMMY_HASH;
      const secretMatches = timingSafeEqual(presented, stored) && stored !== DUMMY_HASH;
      if (!record || !secretMatches || record.revokedAt !== null || (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime())) {
        throw invalidToken();
      }
      const written = lastWritten.get(id);
      if (written === undefined || now.getTime() - written >= LAST_USE_INTERVAL_MS || now.getTime() < written) {
        await store.touchToken(id, now.toISOString());
        lastWritten.set(id, now.getTime());
      }
      return { name: record.account, groups: [...record.groups], localAdministrator: false };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

function invalidToken() {
  return fail('UNAUTHENTICATED', INVALID_TOKEN_MESSAGE);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function tokenInfo(record: ApiTokenRecord): TokenInfo {
  return {
    id: record.id,
    account: record.account,
    groups: record.groups,
    description: record.description,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    revokedBy: record.revokedBy,
    lastUsedAt: record.lastUsedAt,
  };
}

/** Valid accounts, each once (compared as Windows compares names), at most MAX_TOKEN_GROUPS. */
function checkGroups(groups: readonly string[]): string[] {
  if (groups.length > MAX_TOKEN_GROUPS) {
    throw fail('INVALID_ARGUMENT', `an API token may carry at most ${MAX_TOKEN_GROUPS} groups, not ${groups.length}: give the groups its calls need`);
  }
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const group of groups) {
    checkAccount(group);
    if (seen.has(nameKey(group))) continue;
    seen.add(nameKey(group));
    unique.push(group);
  }
  return unique;
}

/** An expiry in the future and at most MAX_TOKEN_LIFETIME_YEARS away; none means until revoked. */
function checkExpiry(expiresAt: Date | undefined, now: Date): string | null {
  if (expiresAt === undefined) return null;
  if (Number.isNaN(expiresAt.getTime())) throw fail('INVALID_ARGUMENT', 'the expiry of an API token is not a valid time');
  if (expiresAt.getTime() <= now.getTime()) {
    throw fail('INVALID_ARGUMENT', `an API token's expiry must be in the future: ${expiresAt.toISOString()} is not after ${now.toISOString()}`);
  }
  const latest = new Date(now.getTime());
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_TOKEN_LIFETIME_YEARS);
  if (expiresAt.getTime() > latest.getTime()) {
    throw fail(
      'INVALID_ARGUMENT',
      `an API token may live at most ${MAX_TOKEN_LIFETIME_YEARS} years: ${expiresAt.toISOString()} is after ${latest.toISOString()}; choose an earlier expiry`,
    );
  }
  return expiresAt.toISOString();
}
