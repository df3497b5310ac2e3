/**
 * Tickets as vault/tickets.ts makes and reads them: what they hold, which keyring reads them,
 * and what is malformed (never a ticket) as against invalid (a ticket this vault did not issue).
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateMasterSecret, newKeyring, rotateKeyring, sealEnvelope } from '../../src/keys/index.js';
import { issueTicket, readTicket } from '../../src/vault/index.js';
import { outcome } from '../support/outcome.js';

const now = new Date('2026-11-25T10:00:00Z');
const keyring = newKeyring('vault-1', generateMasterSecret('HOST\\alice', now));
const claims = { account: 'CORP\\bob', issuer: 'CORP\\svc', issuedAt: '2026-11-25T10:00:00.000Z', expiresAt: '2026-11-25T10:02:00.000Z' };

const MALFORMED = 'TICKET_MALFORMED: the ticket is not in Tessera\'s format (it should start with "T1."): pass the ticket exactly as issued';
const INVALID = 'TICKET_INVALID: the ticket was not issued by this vault or was altered: ask the caller for a new ticket';

describe('tickets', () => {
  it('hold a fresh id and the claims given, and read back to exactly those', () => {
    const a = issueTicket(keyring, claims);
    const b = issueTicket(keyring, claims);
    expect(a.claims).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string, ...claims });
    expect(a.claims.id).not.toBe(b.claims.id);
    expect(a.ticket).toMatch(/^T1\.[A-Za-z0-9_-]+$/);
    expect(readTicket(keyring, a.ticket)).toEqual(a.claims);
  });

  it('are read with the white space around them removed (as pasted from a message)', () => {
    const { ticket, claims: issued } = issueTicket(keyring, claims);
    expect(readTicket(keyring, ` \n${ticket}\r\n`)).toEqual(issued);
  });

  it('issued under a previous master secret still read after a rotation; under a secret no longer held, they are invalid', () => {
    const { ticket, claims: issued } = issueTicket(keyring, claims);
    const rotated = rotateKeyring(keyring, generateMasterSecret('HOST\\alice', now));
    expect(readTicket(rotated, ticket)).toEqual(issued);
    const fresh = issueTicket(rotated, claims);
    expect(outcome(() => readTicket(keyring, fresh.ticket))).toBe(INVALID);
  });

  it('are bound to their vault: the same master secret in another vault does not read them', () => {
    const { ticket } = issueTicket(keyring, claims);
    const otherVault = { ...keyring, vaultId: 'vault-2' };
    expect(outcome(() => readTicket(otherVault, ticket))).toBe(INVALID);
  });

  it('are sealed with a key derived from the master secret, never the master secret itself', () => {
    const { ticket } = issueTicket(keyring, claims);
    // Re-seal the same claims under the raw master secret: a reader that skipped the derivation would accept it.
    const opened = readTicket(keyring, ticket);
    const raw = sealEnvelope(keyring.current.key, keyring.current.msid, Buffer.from(JSON.stringify(opened)), Buffer.from('tessera/ticket/v1/vault=vault-1'));
    expect(outcome(() => readTicket(keyring, `T1.${raw.toString('base64url')}`))).toBe(INVALID);
    const derived = Buffer.from(hkdfSync('sha256', keyring.current.key, Buffer.alloc(0), 'tessera ticket key v1', 32));
    const proper = sealEnvelope(derived, keyring.current.msid, Buffer.from(JSON.stringify(opened)), Buffer.from('tessera/ticket/v1/vault=vault-1'));
    expect(readTicket(keyring, `T1.${proper.toString('base64url')}`)).toEqual(opened);
  });

  it('are invalid, not an internal error, when an authentic envelope holds no ticket', () => {
    const derived = Buffer.from(hkdfSync('sha256', keyring.current.key, Buffer.alloc(0), 'tessera ticket key v1', 32));
    const notJson = sealEnvelope(derived, keyring.current.msid, Buffer.from('not a ticket'), Buffer.from('tessera/ticket/v1/vault=vault-1'));
    expect(outcome(() => readTicket(keyring, `T1.${notJson.toString('base64url')}`))).toBe(INVALID);
  });

  it.each([
    ['empty', ''],
    ['the prefix alone', 'T1.'],
    ['another prefix', 'T2.AAAA'],
    ['a lower-case prefix', 't1.AAAA'],
    ['no dot', 'T1AAAA'],
    ['standard base64', 'T1.AA+/'],
    ['padding', 'T1.AAAA=='],
    ['a space inside', 'T1.AA AA'],
    ['text after a line break', 'T1.AAAA\nAAAA'],
    ['junk before the prefix', 'xT1.AAAA'],
  ])('are malformed when %s', (_what, text) => {
    expect(outcome(() => readTicket(keyring, text))).toBe(MALFORMED);
  });

  it.each([
    ['too short to be an envelope', 'T1.AAAA'],
    [
      'an envelope naming an unknown secret',
      `T1.${sealEnvelope(Buffer.alloc(32, 1), 'no-such-msid', Buffer.from('{}'), Buffer.alloc(0)).toString('base64url')}`,
    ],
  ])('are invalid when %s', (_what, text) => {
    expect(outcome(() => readTicket(keyring, text))).toBe(INVALID);
  });

  it('are invalid when any character is changed', () => {
    const { ticket } = issueTicket(keyring, claims);
    // The last character may carry unused padding bits, so it is left out.
    for (let i = 3; i < ticket.length - 1; i += 7) {
      const changed = ticket.slice(0, i) + (ticket[i] === 'A' ? 'B' : 'A') + ticket.slice(i + 1);
      expect(outcome(() => readTicket(keyring, changed))).toBe(INVALID);
    }
  });
});
