import { describe, expect, it } from 'vitest';
import { trustedProxies } from '../../src/server/auth/proxies.js';
import { outcome } from '../support/outcome.js';

describe('trustedProxies', () => {
  const proxies = trustedProxies(['10.1.0.0/16', ' 192.168.1.7 ', 'fd00:abcd::/32', '::1']);

  it('matches addresses and ranges of both families, as sockets report them', () => {
    const answers = Object.fromEntries(
      [
        '10.1.2.3',
        '10.2.0.1',
        '192.168.1.7',
        '192.168.1.8',
        '::ffff:10.1.9.9',
        '::ffff:10.2.9.9',
        'fd00:abcd::5',
        'fd00:abce::5',
        '::1',
        '::2',
        'fe80::1%eth0',
        'not an address',
        '',
      ].map((address) => [address, proxies.includes(address)]),
    );
    expect(answers).toEqual({
      '10.1.2.3': true,
      '10.2.0.1': false,
      '192.168.1.7': true,
      '192.168.1.8': false,
      '::ffff:10.1.9.9': true,
      '::ffff:10.2.9.9': false,
      'fd00:abcd::5': true,
      'fd00:abce::5': false,
      '::1': true,
      '::2': false,
      'fe80::1%eth0': false,
      'not an address': false,
      '': false,
    });
    expect(trustedProxies(['fe80::/10']).includes('fe80::1%eth0')).toBe(true);
    expect(trustedProxies([]).includes('127.0.0.1')).toBe(false);
    expect(trustedProxies(['0.0.0.0/0']).includes('203.0.113.9')).toBe(true);
  });

  it('refuses entries that are not an address or a CIDR range', () => {
    const help = 'is not an IP address or a CIDR range (such as 10.0.0.5, 10.0.0.0/24 or fd00::/8)';
    for (const entry of ['proxy.example', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/ 8', 'fe80::1%eth0', '']) {
      expect(outcome(() => trustedProxies([entry]))).toBe(`INVALID_ARGUMENT: TESSERA_TRUSTED_PROXIES: "${entry}" ${help}`);
    }
  });
});
