import { Agent, request } from 'undici';
import { fail, TesseraError } from '../errors/index.js';

/** How a client reaches a Tessera server. The token is sent as a bearer header and nowhere else. */
export interface ClientOptions {
  /** The server's base URL, e.g. https://sso.example.org:8740 (a path prefix is kept for proxies). */
  url: string;
  /** The bearer token: an API token or an OIDC access token. */
  token: string;
  /** PEM bundle of the CA(s) the server's certificate must chain to, instead of the system's (TESSERA_CACERT). */
  ca?: string | Buffer | undefined;
  /** Connecting, and then waiting for the answer; a master secret rotation of a large vault takes a while. */
  connectTimeoutMs?: number;
  answerTimeoutMs?: number;
  /** The largest answer read; a backup download (1 MiB as base64 in JSON) fits. */
  maxResponseBytes?: number;
}

export const CLIENT_DEFAULTS = { connectTimeoutMs: 10_000, answerTimeoutMs: 300_000, maxResponseBytes: 4 * 1024 * 1024 } as const;

/** One HTTP call per service operation: JSON in, JSON out, the server's error body back as a TesseraError. */
export interface HttpCaller {
  /** The base URL, as messages name it. */
  readonly url: string;
  call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: { body?: unknown; query?: Record<string, string | undefined> },
  ): Promise<T>;
  close(): Promise<void>;
}

/** `segments` joined as a path, each percent-encoded: names hold "\", "/" and spaces. */
export function apiPath(...segments: string[]): string {
  return segments.map((segment, index) => (index === 0 ? segment : encodeURIComponent(segment))).join('/');
}

export function createHttpCaller(options: ClientOptions): HttpCaller {
  const base = options.url.replace(/\/+$/, '');
  const limit = options.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes;
  const timeout = options.answerTimeoutMs ?? CLIENT_DEFAULTS.answerTimeoutMs;
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs ?? CLIENT_DEFAULTS.connectTimeoutMs, ...(options.ca === undefined ? {} : { ca: options.ca }) },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const headers = { authorization: `Bearer ${options.token}`, accept: 'application/json' };

  return {
    url: base,
    async call<T>(method: string, path: string, call: { body?: unknown; query?: Record<string, string | undefined> } = {}): Promise<T> {
      const query = Object.entries(call.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
      const target = `${base}${path}${query.length > 0 ? `?${new URLSearchParams(query).toString()}` : ''}`;
      let status: number;
      let bytes: Buffer;
      try {
        const response = await request(target, {
          dispatcher: agent,
          method,
          headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        });
        status = response.statusCode;
        bytes = await readAtMost(response.body, limit, base);
      } catch (error) {
        throw unreachable(base, error);
      }
      if (status === 204) return undefined as T;
      const body = parseJson(bytes);
      if (status >= 200 && status < 300 && body !== undefined) return body as T;
      const failure = errorOf(body);
      if (failure) throw new TesseraError(failure.code, failure.message, { status, ...(failure.event === null ? {} : { eventId: failure.event }) });
      throw fail(
        'SERVER_UNREACHABLE',
        `${base} answered HTTP ${status} with something that is not a Tessera API answer: check that the address names a Tessera server (tessera serve), not another web server or proxy`,
      );
    },
    close: () => agent.close(),
  };
}

async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number, base: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      throw fail('SERVER_UNREACHABLE', `${base} sent an answer larger than ${limit} bytes, more than any Tessera API answer: check the address`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * The answer as JSON, whatever its content type says (the server's error bodies have not always
 * said application/json); an HTML page or other text is not JSON and so not a Tessera answer.
 */
function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function errorOf(body: unknown): { code: string; message: string; event: number | null } | undefined {
  const error = (body as { error?: unknown } | undefined)?.error as { code?: unknown; message?: unknown; event?: unknown } | undefined;
  if (typeof error?.code !== 'string' || !/^[A-Z][A-Z0-9_]{1,63}$/.test(error.code) || typeof error.message !== 'string') return undefined;
  return { code: error.code, message: error.message, event: typeof error.event === 'number' ? error.event : null };
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|EPROTO|ERR_OSSL/;

/** A failure to reach the server, worded for the operator; it names the URL and never a header. */
function unreachable(base: string, error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  const cause = (error as { cause?: unknown }).cause ?? error;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  const why = `${typeof code === 'string' ? `${code}: ` : ''}${typeof message === 'string' ? message : String(cause)}`;
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    return fail(
      'SERVER_UNREACHABLE',
      `the TLS connection to the Tessera server at ${base} failed (${why}): if its certificate comes from a private CA, set TESSERA_CACERT to that CA's PEM file; check that the address starts with https:// only if the server serves TLS`,
      error,
    );
  }
  return fail(
    'SERVER_UNREACHABLE',
    `could not reach the Tessera server at ${base} (${why}): check the address (--server, TESSERA_ADDR, or ssomanage -showserver) and that tessera serve runs there`,
    error,
  );
}
