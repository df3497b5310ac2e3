import { API_TOKEN_PREFIX, type TokenService } from '../../service/index.js';
import type { Authenticator } from './authenticator.js';

const BEARER = 'bearer ';

/**
 * API tokens (`Authorization: Bearer tsr_...`, the scheme in any case). Any other header, or a
 * bearer that is not an API token (an OIDC JWT), is left to the other authenticators. The
 * service checks the token's length before it reads it, and words every failure alike.
 */
export function apiTokenAuthenticator(tokens: TokenService): Authenticator {
  return {
    method: 'token',
    async authenticate(credentials) {
      const header = credentials.authorization;
      if (header === undefined || header.slice(0, BEARER.length).toLowerCase() !== BEARER) return undefined;
      // RFC 9110: one or more spaces after the scheme.
      const value = header.slice(BEARER.length).replace(/^ +/, '');
      if (!value.startsWith(API_TOKEN_PREFIX)) return undefined;
      return tokens.authenticate(value);
    },
  };
}
