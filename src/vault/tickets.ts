import { hkdfSync, randomUUID } from 'node:crypto';
import { fail } from '../errors/index.js';
import { type Keyring, type MasterSecret, envelopeKeyId, findSecret, openEnvelope, sealEnvelope } from '../keys/index.js';

/**
 * A ticket is the caller's identity and an expiry, sealed with a key derived from the current
 * master secret: unforgeable without the keyring, readable by every node that has it. Single
 * use is enforced by the store (redeemed ticket ids), not by the ticket.
 */
export interface TicketClaims {
  id: string;
  /** The enterprise account the ticket stands for. */
  account: string;
  /** Who asked for it (for validate-and-redeem). */
  issuer: string;
  issuedAt: string;
  expiresAt: string;
}

const PREFIX = 'T1.';

function ticketKey(master: MasterSecret): Buffer {
  return Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), 'tessera ticket key v1', 32));
}

const ticketAad = (vaultId: string) => Buffer.from(`tessera/ticket/v1/vault=${vaultId}`, 'utf8');

export function issueTicket(keyring: Keyring, claims: Omit<TicketClaims, 'id'>): { ticket: string; claims: TicketClaims } {
  const full: TicketClaims = { id: randomUUID(), ...claims };
  const key = ticketKey(keyring.current);
  try {
    const sealed = sealEnvelope(key, keyring.current.msid, Buffer.from(JSON.stringify(full), 'utf8'), ticketAad(keyring.vaultId));
    return { ticket: PREFIX + sealed.toString('base64url'), claims: full };
  } finally {
    key.fill(0);
  }
}

/** Opens a ticket; TICKET_MALFORMED when it is not one, TICKET_INVALID when it does not authenticate. */
export function readTicket(keyring: Keyring, ticket: string): TicketClaims {
  const text = ticket.trim();
  if (!text.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(text.slice(PREFIX.length))) {
    throw fail('TICKET_MALFORMED', 'the ticket is not in Tessera\'s format (it should start with "T1."): pass the ticket exactly as issued');
  }
  const sealed = Buffer.from(text.slice(PREFIX.length), 'base64url');
  const master = findSecret(keyring, envelopeKeyId(sealed) ?? '');
  if (!master) throw invalid();
  const key = ticketKey(master);
  try {
    return JSON.parse(openEnvelope(key, sealed, ticketAad(keyring.vaultId)).toString('utf8')) as TicketClaims;
  } catch {
    // Not authentic, or (sealed by a key holder) not a ticket inside: either way not one of ours.
    throw invalid();
  } finally {
    key.fill(0);
  }
}

function invalid() {
  return fail('TICKET_INVALID', 'the ticket was not issued by this vault or was altered: ask the caller for a new ticket');
}
