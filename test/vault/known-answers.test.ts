/**
 * Known answers that pin the formats of tickets and sealed credential fields: the "T1." prefix,
 * the ticket key's HKDF label, and the associated data that binds a ticket to its vault and a
 * field to its application, mapping (or config entry) and ordinal. Each fixture was written once
 * by Tessera 0.1.0; a change that breaks one makes stored credentials or issued tickets unreadable.
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Keyring, type MasterSecret, openEnvelope } from '../../src/keys/index.js';
import { type UnwrappedDataKey, openFields, readTicket } from '../../src/vault/index.js';

const secret = (n: number, byte: number): MasterSecret => ({
  msid: `0000000${n}-0000-4000-8000-00000000000${n}`,
  key: Buffer.alloc(32, byte),
  createdAt: `2026-01-0${n}T00:00:00.000Z`,
  createdBy: 'HOST\\alice',
});
const keyring: Keyring = { vaultId: 'vault-kat', current: secret(2, 0x22), previous: [secret(1, 0x11)] };
const dataKey: UnwrappedDataKey = { applicationId: 'app-kat', version: 3, key: Buffer.alloc(32, 0x44) };

const TICKET = [
  'T1.ASQwMDAwMDAwMi0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDLADTtk5Ho7hMuZdBIRgv5CMvCqnApgJNxwCXq2yMOHhfwVx',
  'm0W1SUoSs-EXn6PIayK2n9dNm9XdETILY11xk8QPa_u5QDY72z_OHZWK6kaFWO-clun7b1YOgrvBvfZxq9LymKwRpt_SRnlcoGXm',
  'M298nIIckL2DMpJrcRv-ojpJDdbUy2vmbuxTP6-KSeQF7ioDG2S0IyNbL9f4f5RCDuzJFnwtlENkZFnHTVqnXtnVjY4VUaLeLeEw',
  '6xlTZMzm5Qb',
].join('');
const CREDENTIAL = ['AQRkazoz66VKE4dNsvpzGR7Waooh50tMqFBITYvhY8NrhseU+jNQ4g=='].join('');
const CONFIG = ['AQRkazozFR2L1RHfVDMrgib86GowG+qDUFPirCPJoJ+21dZyfiBYEo5coI3q18ABwn/IKbY='].join('');

describe('the ticket format (vault/tickets.ts)', () => {
  const claims = {
    id: '3d9f0578-9e6b-451a-a014-90448a7f09c6',
    account: 'CORP\\bob',
    issuer: 'CORP\\bob',
    issuedAt: '2026-01-03T10:00:00.000Z',
    expiresAt: '2026-01-03T10:02:00.000Z',
  };

  it('reads a ticket issued by 0.1.0', () => {
    expect(readTicket(keyring, TICKET)).toEqual(claims);
  });

  it('is "T1." and the base64url of an envelope named by the MSID, under HKDF(master secret, "tessera ticket key v1"), bound to the vault', () => {
    expect(TICKET.startsWith('T1.')).toBe(true);
    const sealed = Buffer.from(TICKET.slice(3), 'base64url');
    expect(sealed.subarray(2, 2 + sealed[1]!).toString('ascii')).toBe(keyring.current.msid);
    const key = Buffer.from(hkdfSync('sha256', keyring.current.key, Buffer.alloc(0), 'tessera ticket key v1', 32));
    const opened = openEnvelope(key, sealed, Buffer.from('tessera/ticket/v1/vault=vault-kat'));
    expect(JSON.parse(opened.toString('utf8'))).toEqual(claims);
  });
});

describe('the sealed field format (vault/field-cipher.ts)', () => {
  it('opens a credential field sealed by 0.1.0 under "tessera/credential/v1/app=<id>/mapping=<id>/field=<n>", key id "dk:<version>"', () => {
    const ciphertext = Buffer.from(CREDENTIAL, 'base64');
    expect(openFields(dataKey, { kind: 'credential', mappingId: 'map-kat' }, [{ ordinal: 1, ciphertext }])).toEqual(new Map([[1, 's3cret']]));
    const aad = Buffer.from('tessera/credential/v1/app=app-kat/mapping=map-kat/field=1');
    expect(openEnvelope(dataKey.key, ciphertext, aad).toString()).toBe('s3cret');
    expect(ciphertext.subarray(2, 2 + ciphertext[1]!).toString('ascii')).toBe('dk:3');
  });

  it('opens a config value sealed by 0.1.0 under "tessera/config/v1/app=<id>/config=<identifier, lower case>/field=<n>"', () => {
    const ciphertext = Buffer.from(CONFIG, 'base64');
    for (const identifier of ['{ABC-DEF}', '{abc-def}']) {
      expect(openFields(dataKey, { kind: 'config', identifier }, [{ ordinal: 0, ciphertext }])).toEqual(new Map([[0, 'https://example.org']]));
    }
    const aad = Buffer.from('tessera/config/v1/app=app-kat/config={abc-def}/field=0');
    expect(openEnvelope(dataKey.key, ciphertext, aad).toString()).toBe('https://example.org');
  });
});
