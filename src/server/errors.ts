import type { FastifyError } from 'fastify';
import { errorCatalog, isTesseraError } from '../errors/index.js';

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string; event: number | null; correlationId?: string } };
  /** Set for failures nobody planned for: log them in full, answer with nothing but the id. */
  unexpected: boolean;
}

/**
 * One error body for every failure: the catalogue's code and status, the ENTSSO event, and the
 * message the CLI prints for the same failure. A failure nobody planned for says nothing of its
 * cause: the log has it under the correlation id.
 */
export function errorReply(error: unknown, correlationId: string): ErrorReply {
  if (isTesseraError(error)) return reply(error.status, error.code, error.message, error.eventId ?? null);
  const fastify = error as Partial<FastifyError> & { validation?: unknown };
  if (fastify.validation !== undefined) return reply(400, 'REQUEST_INVALID', validationMessage(fastify));
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply(413, 'INPUT_TOO_LARGE', 'the request body is larger than this route accepts: see docs/api.md for its limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply(415, 'REQUEST_INVALID', 'the request body must be JSON: send Content-Type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply(400, 'REQUEST_INVALID', 'the request says it holds JSON but its body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply(400, 'REQUEST_INVALID', 'the request body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return reply(400, 'REQUEST_INVALID', 'the request path is not valid: a name in it is not properly URL-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return reply(414, 'REQUEST_INVALID', 'a name in the request path is longer than any account, application or identifier may be');
  }
  // fastify's own parser errors (malformed JSON, a bad URL) carry a 4xx status and say nothing secret.
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500 && error instanceof SyntaxError) {
    return reply(400, 'REQUEST_INVALID', 'the request body is not valid JSON');
  }
  const internal = errorCatalog.INTERNAL;
  return {
    status: internal.status,
    body: {
      error: {
        code: 'INTERNAL',
        message: `an unexpected failure stopped the request; quote ${correlationId} to find the details in the server's log`,
        event: null,
        correlationId,
      },
    },
    unexpected: true,
  };
}

function reply(status: number, code: string, message: string, event: number | null = null): ErrorReply {
  return { status, body: { error: { code, message, event } }, unexpected: false };
}

/** "body/flags must NOT have additional properties" becomes "the request body has an unknown field flags.foo". */
function validationMessage(error: Partial<FastifyError> & { validation?: unknown; validationContext?: string }): string {
  const first = (Array.isArray(error.validation) ? error.validation[0] : undefined) as
    | { instancePath?: string; keyword?: string; params?: Record<string, unknown>; message?: string }
    | undefined;
  const where = error.validationContext === 'body' ? 'the request body' : `the request ${error.validationContext ?? 'input'}`;
  if (!first) return `${where} is not valid`;
  const path = (first.instancePath ?? '').split('/').filter(Boolean).join('.');
  const field = path === '' ? '' : ` field ${path}`;
  if (first.keyword === 'additionalProperties') {
    const extra = String((first.params?.['additionalProperty'] as string | undefined) ?? '');
    return `${where} has an unknown field ${path === '' ? extra : `${path}.${extra}`}: see docs/api.md for the fields it takes`;
  }
  if (first.keyword === 'enum') {
    const allowed = (first.params?.['allowedValues'] as unknown[] | undefined) ?? [];
    return `${where}${field} must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  if (first.keyword === 'required')
    return `${where} lacks the required field ${[path, String((first.params?.['missingProperty'] as string | undefined) ?? '')].filter(Boolean).join('.')}`;
  return `${where}${field} ${first.message ?? 'is not valid'}`;
}
