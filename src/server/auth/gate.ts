import { fail, isTesseraError, type TesseraError } from '../../errors/index.js';
import type { EventSink, Principal } from '../../service/index.js';
import type { Authenticator, Credentials } from './authenticator.js';

export interface GateOptions {
  /** Failed authentications a source may make within one minute; the next is refused with 429. */
  failuresPerMinute: number;
  now: () => Date;
  events: EventSink;
  /** Called once per failed or refused authentication, with its code (for metrics). */
  onFailure?(code: string): void;
}

/** Sources tracked at once: an attacker with many addresses must not grow the table without bound. */
const MAX_TRACKED_SOURCES = 10_000;
const MINUTE_MS = 60_000;

/**
 * Turns a request's credentials into a Principal: the first authenticator that applies decides.
 * A source that keeps failing gets 429 for each further failure until its minute is over, so
 * guessing costs an attacker a minute per few tries and cannot flood the event log; good
 * credentials from the same address still get in. Every counted failure emits 10613, naming
 * the source and the method but never the token or header.
 */
export class AuthenticationGate {
  readonly #failures = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly authenticators: readonly Authenticator[],
    private readonly options: GateOptions,
  ) {}

  /**
   * `source` is the caller's address (behind a trusted proxy, the client's, from
   * X-Forwarded-For); `read` gathers the credentials, and may itself refuse (an unverified
   * client certificate), which counts as a failure like any other.
   */
  async authenticate(read: () => Credentials, call: string, source: string): Promise<Principal> {
    const now = this.options.now().getTime();
    let method = 'none';
    try {
      const credentials = read();
      for (const authenticator of this.authenticators) {
        method = authenticator.method;
        const principal = await authenticator.authenticate(credentials);
        // Nobody is the local administrator over the network: rights come from the vault's roles.
        if (principal) return { ...principal, localAdministrator: false, address: source };
      }
    } catch (error) {
      if (!isTesseraError(error, 'UNAUTHENTICATED')) throw error;
      this.#refuseIfLimited(source, now);
      await this.#failed(source, now, method, call, error);
    }
    this.options.onFailure?.('UNAUTHENTICATED');
    throw fail(
      'UNAUTHENTICATED',
      'this request carries no credentials: send "Authorization: Bearer TOKEN" (an API token from tessera token create, or an OIDC access token) or a client certificate',
    );
  }

  /**
   * A source over its failures for the minute gets 429 for every further failure, without an
   * event (so failures cannot flood the event log); a caller at the same address (behind one
   * NAT or proxy) whose credentials are good still gets in.
   */
  #refuseIfLimited(source: string, now: number): void {
    const record = this.#current(source, now);
    if (!record || record.count < this.options.failuresPerMinute) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((record.windowStart + MINUTE_MS - now) / 1000));
    this.options.onFailure?.('AUTH_RATE_LIMITED');
    throw Object.assign(
      fail(
        'AUTH_RATE_LIMITED',
        `${source} failed to authenticate ${record.count} times within a minute: wait ${retryAfterSeconds} seconds, then fix the credentials`,
      ),
      { retryAfterSeconds },
    );
  }

  async #failed(source: string, now: number, method: string, call: string, error: TesseraError): Promise<never> {
    const record = this.#current(source, now) ?? { windowStart: now, count: 0 };
    record.count += 1;
    this.#failures.delete(source);
    this.#failures.set(source, record);
    if (this.#failures.size > MAX_TRACKED_SOURCES) this.#failures.delete(this.#failures.keys().next().value!);
    this.options.onFailure?.('UNAUTHENTICATED');
    await this.options.events.emit(
      10613,
      {
        'Client User': `(not authenticated, from ${source})`,
        'RPC call information (first part)': call,
        'RPC call information (second part)': method,
        'Error Code': error.code,
      },
      `A call from ${source} (${call}) was refused: ${method} authentication failed: ${error.message}`,
    );
    throw error;
  }

  #current(source: string, now: number) {
    const record = this.#failures.get(source);
    if (record && now - record.windowStart >= MINUTE_MS) {
      this.#failures.delete(source);
      return undefined;
    }
    return record;
  }
}
