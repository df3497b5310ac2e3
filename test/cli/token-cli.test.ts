/**
 * `tessera token create|list|revoke` as real child processes on both stores: the token printed
 * once and nowhere else (not by list, not in an event or the log), revocation, and what bad
 * input gets.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedToken, TokenInfo } from '../../src/service/index.js';
import { parseExpires } from '../../src/cli/token-commands.js';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { failure, ok } from '../support/vault-cli.js';

const DAY = 24 * 60 * 60 * 1000;
const TOKEN = /^tsr_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;
const FORMS = 'a lifetime in minutes, hours or days (90m, 12h, 30d) or an ISO 8601 date or time (2027-06-30, 2027-06-30T12:00:00Z)';

describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('tessera token', () => commands(target));
});

function commands(target: StoreTarget): void {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'init');
  });
  afterAll(() => vault?.cleanup());

  /** Everything a token could leak into after it was made: listings, events, the log. */
  async function everythingShown(): Promise<string> {
    const shown = await Promise.all([
      vault.tessera(['token', 'list', '--all']),
      vault.tessera(['token', 'list', '--all', '--json']),
      vault.tessera(['events', '--json']),
    ]);
    return shown.map((result) => ok(result, 'listing').stdout).join('\n') + (await readFile(join(vault.home, 'tessera.log'), 'utf8'));
  }

  it('prints the token once, alone on standard output, and what it is on standard error', async ({ expect }) => {
    const expires = new Date(Date.now() + 30 * DAY).toISOString();
    const created = ok(
      await vault.tessera([
        'token',
        'create',
        'CORP\\svc-payroll',
        '--groups',
        'CORP\\Payroll Admins;CORP\\Auditors',
        '--expires',
        expires,
        '--description',
        'payroll batch',
      ]),
      'token create',
    );
    const token = created.stdout.trimEnd();
    expect(token).toMatch(TOKEN);
    expect(created.stdout).toBe(`${token}\n`);
    const id = token.slice(4, 20);
    expect(created.stderr).toBe(
      [
        `API token ${id} for CORP\\svc-payroll`,
        '  groups:      CORP\\Payroll Admins; CORP\\Auditors',
        `  expires:     ${expires}`,
        '  description: payroll batch',
        'This is the only time the token is shown: store it now (e.g. in a secret manager). Tessera keeps only a hash of it.',
        '',
      ].join('\n'),
    );

    const listed = ok(await vault.tessera(['token', 'list']), 'token list').stdout;
    expect(listed).toMatch(/^ID {16}ACCOUNT +GROUPS +CREATED +EXPIRES +LAST USED +REVOKED\n/);
    // Other tests of this vault add tokens meanwhile, so columns may be wider: one line, by its cells.
    const line = listed.split('\n').find((row) => row.startsWith(id))!;
    expect(line.split(/ {2,}/)).toEqual([
      id,
      'CORP\\svc-payroll',
      'CORP\\Payroll Admins; CORP\\Auditors',
      expect.stringMatching(/^\d{4}-/) as string,
      expires,
      '-',
      '-',
    ]);
    expect(await everythingShown()).not.toContain(token.slice(21));
  });

  it('makes tokens with a lifetime, without expiry, and as JSON', async ({ expect }) => {
    const json = JSON.parse(
      ok(await vault.tessera(['token', 'create', 'svc@corp.example', '--expires', '30d', '--json']), 'create --json').stdout,
    ) as CreatedToken;
    expect(json.token).toMatch(TOKEN);
    expect(json).toMatchObject({ id: json.token.slice(4, 20), account: 'svc@corp.example', groups: [], description: null });
    const lifetime = Date.parse(json.expiresAt!) - Date.parse(json.createdAt);
    expect(lifetime).toBeLessThanOrEqual(30 * DAY);
    expect(lifetime).toBeGreaterThan(30 * DAY - 60_000);

    const forever = ok(await vault.tessera(['token', 'create', 'CORP\\forever']), 'create without expiry');
    expect(forever.stderr).toContain('  groups:      (none)\n  expires:     never (until revoked)\nThis is the only time');
    const listed = JSON.parse(ok(await vault.tessera(['token', 'list', '--json']), 'list --json').stdout) as TokenInfo[];
    const mine = listed.find((token) => token.id === json.id);
    expect(mine).toEqual({
      id: json.id,
      account: 'svc@corp.example',
      groups: [],
      description: null,
      createdAt: json.createdAt,
      createdBy: expect.stringMatching(/\\/) as string,
      expiresAt: json.expiresAt,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(json.token.slice(21));
    expect(JSON.stringify(listed)).not.toContain('secretHash');
  });

  it('revokes a token once; list shows it only with --all', async ({ expect }) => {
    const { id } = JSON.parse(ok(await vault.tessera(['token', 'create', 'CORP\\short-lived', '--expires', '12h', '--json']), 'create').stdout) as CreatedToken;
    expect(ok(await vault.tessera(['token', 'revoke', id]), 'revoke').stdout).toBe(`Revoked API token ${id} of CORP\\short-lived: it authenticates no more.\n`);
    expect(ok(await vault.tessera(['token', 'list']), 'list').stdout).not.toContain(id);
    const all = ok(await vault.tessera(['token', 'list', '--all']), 'list --all').stdout;
    expect(all).toMatch(new RegExp(`^${id}  CORP\\\\short-lived  -  .* by [^\\n]+\\\\[^\\n]+$`, 'm'));
    expect(failure(await vault.tessera(['token', 'revoke', id]))).toEqual({
      code: 1,
      error: `error TOKEN_NOT_FOUND: no API token has the id ${id}, or it was already revoked: list tokens with tessera token list --all`,
    });
    const revokes = (await vault.events(10535)).filter((event) => event.params['Function'] === 'RevokeApiToken');
    expect(revokes.map((event) => event.message)).toEqual([expect.stringMatching(new RegExp(`^RevokeApiToken on API token ${id} by .+ succeeded\\.$`))]);
  });

  it('refuses a bad --expires, naming the forms it takes, and more than 5 years', async ({ expect }) => {
    expect(failure(await vault.tessera(['token', 'create', 'CORP\\svc', '--expires', 'tomorrow']))).toEqual({
      code: 2,
      error: `error INVALID_ARGUMENT: --expires takes ${FORMS}, not "tomorrow"`,
    });
    const tooLong = failure(await vault.tessera(['token', 'create', 'CORP\\svc', '--expires', '2000d']));
    expect(tooLong.code).toBe(2);
    expect(tooLong.error).toMatch(/^error INVALID_ARGUMENT: an API token may live at most 5 years: \S+ is after \S+; choose an earlier expiry$/);
    expect(JSON.parse(ok(await vault.tessera(['token', 'list', '--all', '--json']), 'list').stdout)).not.toContainEqual(
      expect.objectContaining({ account: 'CORP\\svc' }),
    );
  });

  it('acts as the local administrator only: --as is refused', async ({ expect }) => {
    expect(failure(await vault.tessera(['token', 'list', '--as', 'CORP\\eve']))).toEqual({
      code: 2,
      error:
        'error INVALID_ARGUMENT: --as and --groups apply to the vault commands (app, mapping, credentials, lookup, ticket, config, global); this command always acts as the local administrator',
    });
    expect(failure(await vault.tessera(['token', 'create', 'CORP\\svc', '--as', 'CORP\\eve', '--groups', 'CORP\\SSO Admins'])).code).toBe(2);
  });
}

describe('--expires', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  const at = (text: string) => parseExpires(text, now).toISOString();

  it('takes a lifetime from now in minutes, hours or days, and ISO 8601 dates and times', () => {
    expect(at('90m')).toBe('2026-11-25T11:30:00.000Z');
    expect(at('12h')).toBe('2026-11-25T22:00:00.000Z');
    expect(at('30d')).toBe('2026-12-25T10:00:00.000Z');
    expect(at(' 1d ')).toBe('2026-11-26T10:00:00.000Z');
    expect(at('2027-06-30')).toBe('2027-06-30T00:00:00.000Z');
    expect(at('2028-02-29')).toBe('2028-02-29T00:00:00.000Z');
    expect(at('2027-06-30T12:00Z')).toBe('2027-06-30T12:00:00.000Z');
    expect(at('2027-06-30T12:00:00+02:00')).toBe('2027-06-30T10:00:00.000Z');
    expect(at('2027-06-30T12:00:00.250Z')).toBe('2027-06-30T12:00:00.250Z');
  });

  it('refuses anything else, naming the forms it takes, and quotes only a short argument', () => {
    for (const bad of [
      'tomorrow',
      '30',
      '30w',
      '-5d',
      '1.5d',
      '12345678d',
      '2027-02-30',
      '2027-02-29',
      '2027-13-01',
      '2027-06-30T24:00:00Z',
      '2027-06-30T12:60Z',
      '2027-06-30T12:00:00',
      '2027-06-30T12:00:00+99:00',
      '',
    ]) {
      expect(() => parseExpires(bad, now), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: `--expires takes ${FORMS}, not "${bad}"` }),
      );
    }
    expect(() => parseExpires('x'.repeat(200), now)).toThrow(
      expect.objectContaining({ message: `--expires takes ${FORMS}, not an argument of 200 characters` }),
    );
  });
});
