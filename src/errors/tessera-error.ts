/**
 * The one error type every layer throws for a failure a caller should understand.
 *
 * `code` is stable: callers switch on it, never on the message. It is either a
 * system code the failure came from (EACCES, ENOSPC, ...) or one of Tessera's own
 * (PASSWORD_POLICY, WRONG_PASSWORD, ...). `message` says what happened and what
 * to do, and never holds a secret. `eventId` names the ENTSSO event an operator
 * sees for it, where one applies. The original failure, if any, is in `cause`.
 */
export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: string;
  readonly status: number;
  readonly eventId: number | undefined;

  constructor(code: string, message: string, options: { status?: number; eventId?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.eventId = options.eventId;
  }
}

export function isTesseraError(value: unknown, code?: string): value is TesseraError {
  return value instanceof TesseraError && (code === undefined || value.code === code);
}

/** The same failure (code, status, event) told with the operation's context in front. */
export function withMessage(error: TesseraError, message: string): TesseraError {
  return new TesseraError(error.code, message, { status: error.status, eventId: error.eventId, cause: error.cause ?? error });
}
