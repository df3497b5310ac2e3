import { BlockList, isIP } from 'node:net';
import { fail } from '../../errors/index.js';

/** The TLS-terminating proxies whose forwarded client certificate is believed. */
export interface TrustedProxies {
  /** Whether `address` (as a socket reports it: IPv4, IPv6, IPv4-mapped IPv6, with or without a zone) is one of them. */
  includes(address: string): boolean;
}

/**
 * Parses TESSERA_TRUSTED_PROXIES entries: an IPv4 or IPv6 address, or a CIDR range of either.
 * Anything else is refused with INVALID_ARGUMENT, so a typo never widens or silently drops trust.
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.trim().split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || address.includes('%') || extra !== undefined || !(length >= 0 && length <= bits)) {
      throw fail('INVALID_ARGUMENT', `TESSERA_TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (such as 10.0.0.5, 10.0.0.0/24 or fd00::/8)`);
    }
    list.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    includes(address: string): boolean {
      const bare = address.replace(/%.*$/, '');
      const family = isIP(bare);
      if (family === 0) return false;
      return list.check(bare, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
