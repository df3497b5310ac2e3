import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { fail, isTesseraError } from '../errors/index.js';
import type { EventSink, Principal, SecretService, TokenService, VaultService } from '../service/index.js';
import { AuthenticationGate } from './auth/gate.js';
import { verifiedPeerCertificate } from './auth/client-certificate.js';
import type { Authenticator, Credentials } from './auth/authenticator.js';
import { errorReply } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import { registerApplicationRoutes } from './routes/applications.js';
import { registerLookupRoutes } from './routes/lookup.js';
import { registerOperationsRoutes } from './routes/operations.js';
import { registerSecretRoutes } from './routes/secret.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { ErrorBody } from './schemas.js';
import type { ServerSettings } from './settings.js';
import { VERSION } from '../config/index.js';

export interface ServerDeps {
  settings: ServerSettings;
  vault: VaultService;
  secrets: SecretService;
  /** Tried in order; the first that applies to a request decides. */
  authenticators: readonly Authenticator[];
  events: EventSink;
  logger: Logger;
  metrics: ServerMetrics;
  /** A private directory (0700, made on first use) for backups on their way to a download. */
  scratchDir: string;
  /** Tessera's own files and directories (home, seal key, database, log, configuration, TLS files): no backup path may name them. */
  guardedPaths: readonly string[];
  now: () => Date;
  /** API tokens, managed over HTTP by SSO administrators; absent: no /v1/tokens routes. */
  tokens?: TokenService;
}

/** The largest request body by default: a full set of credentials fits many times over. */
export const BODY_LIMIT = 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; routes marked `public` have none. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Served without authentication: health, metrics, the OpenAPI document. */
    public?: boolean;
  }
}

/**
 * Builds the HTTP API (not yet listening). It holds no rule of its own: every route turns a
 * request into one call of service/ with the authenticated principal, and every failure into
 * the one error body.
 */
export async function buildServer(deps: ServerDeps, options: { https?: object | null } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }),
    // Request logs name the method and route, never a header or a body.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    // X-Forwarded-For is believed only from the configured proxies.
    trustProxy: deps.settings.trustedProxies.length > 0 ? [...deps.settings.trustedProxies] : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // Stopping is answered by our own hook (SHUTTING_DOWN in the one error body).
    return503OnClosing: false,
    // Accounts may have 512 characters and config identifiers 256, URL-encoded three times longer.
    routerOptions: { maxParamLength: 2048 },
    // fastify's own failures (a malformed URL, an overlong parameter) get the one error body too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void sendError(deps, error, request, reply),
    ...(options.https ? { https: options.https } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  app.addSchema(ErrorBody);
  // JSON only: fastify would otherwise hand a text/plain body to the schema as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Tessera API', version: VERSION, description: 'The Tessera SSO credential vault (ENTSSO-compatible). See docs/api.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  const gate = new AuthenticationGate(deps.authenticators, {
    failuresPerMinute: deps.settings.authFailuresPerMinute,
    now: deps.now,
    events: deps.events,
    onFailure: (code) => deps.metrics.authFailures.inc({ code }),
  });
  app.decorateRequest('principal', undefined as unknown as Principal);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    // Credentials, tickets and backups travel in bodies: no response may be kept by a cache.
    // Set first, so every answer has it, errors included (sendError sets it too, for fastify's own).
    void reply.header('cache-control', 'no-store');
    if (closing) throw fail('SHUTTING_DOWN', 'this Tessera node is stopping and takes no new requests: retry on another node, or once it has restarted');
    // An unknown route answers 404 to anyone: the routes are public (/v1/openapi.json).
    if (request.routeOptions.config.public || request.is404) return;
    request.principal = await gate.authenticate(() => credentialsOf(request), `${request.method} ${request.routeOptions.url ?? 'unknown route'}`, request.ip);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.requests.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('onClose', async () => {
    for (const authenticator of deps.authenticators) await authenticator.close?.();
  });
  app.setErrorHandler(async (error, request, reply) => sendError(deps, error, request, reply));
  app.setNotFoundHandler(async (request, reply) => {
    const body = {
      error: { code: 'ROUTE_NOT_FOUND', message: `no API route answers ${request.method} ${pathOf(request)}: see /v1/openapi.json`, event: null },
    };
    return reply.code(404).send(body);
  });

  registerSystemRoutes(app, deps);
  registerApplicationRoutes(app, deps);
  registerLookupRoutes(app, deps);
  registerOperationsRoutes(app, deps);
  registerSecretRoutes(app, deps);
  if (deps.tokens) registerTokenRoutes(app, deps.tokens);
  return app;
}

/** The path without its query string: a query never holds a secret, but it never needs echoing either. */
function pathOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}

/** What the authenticators see: the immediate peer's address (a proxy's, behind one), never the forwarded one. */
function credentialsOf(request: FastifyRequest): Credentials {
  return {
    authorization: request.headers.authorization,
    // A certificate presented but not verified against the client CA is refused, not ignored.
    peerCertificate: verifiedPeerCertificate(request.raw.socket),
    remoteAddress: request.raw.socket.remoteAddress ?? 'unknown',
    headers: request.headers,
  };
}

async function sendError(deps: ServerDeps, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const answer = errorReply(error, request.id);
  if (answer.unexpected) request.log.error({ err: error, correlationId: request.id, route: request.routeOptions.url }, 'unexpected failure');
  const code = answer.body.error.code;
  deps.metrics.failures.inc({ code });
  if (code === 'INTERNAL' || code.startsWith('STORE_')) deps.metrics.storeErrors.inc();
  const retryAfter = isTesseraError(error) ? (error as { retryAfterSeconds?: number }).retryAfterSeconds : undefined;
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  if (code === 'UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer');
  // Set here as well as in onSend: fastify's own failures (frameworkErrors) skip the hooks.
  void reply.header('cache-control', 'no-store');
  // The one error body is never shaped by a route's own schema for that status (health's 503).
  return reply
    .code(answer.status)
    .serializer((body) => JSON.stringify(body))
    .send(answer.body);
}
