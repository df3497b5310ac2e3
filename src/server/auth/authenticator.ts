import type { Principal } from '../../service/index.js';

/** What an authenticator sees of one request: never the body. */
export interface Credentials {
  /** The Authorization header, if any. */
  readonly authorization: string | undefined;
  /** The client certificate the TLS handshake verified (DER), if any. */
  readonly peerCertificate: Buffer | undefined;
  /** The immediate peer's address (a proxy's, behind one). */
  readonly remoteAddress: string;
  /** Request headers, lower-case names (for a proxy's forwarded client certificate). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * One way to authenticate. `undefined`: this method does not apply to the request (no such
 * header); a Principal: authenticated; a thrown TesseraError (UNAUTHENTICATED): it applied
 * and failed. The message never repeats the token or header.
 */
export interface Authenticator {
  readonly method: 'token' | 'oidc' | 'client-certificate';
  authenticate(credentials: Credentials): Promise<Principal | undefined>;
  /** Releases timers and caches (JWKS). */
  close?(): Promise<void>;
}
