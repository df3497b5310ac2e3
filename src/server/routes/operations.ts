import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { fail } from '../../errors/index.js';
import type { ServerDeps } from '../app.js';
import { Event, EventQuery, GlobalChanges, GlobalInfo, Whoami, responses } from '../schemas.js';

/** A date, or a date and time with a zone: what `tessera events --since` takes too. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The SSO system's settings and its event log. */
export function registerOperationsRoutes(app: FastifyInstance, deps: ServerDeps): void {
  // Clients (ssoclient) act on the caller's own mappings, so they must learn its name.
  app.get(
    '/v1/whoami',
    { schema: { summary: 'Who the server takes the caller for: its name and groups', response: responses({ 200: Whoami }) } },
    async (request) => ({
      name: request.principal.name,
      groups: [...(request.principal.groups ?? [])],
    }),
  );

  app.get('/v1/global', { schema: { summary: 'The SSO system settings (ENTSSO global info)', response: responses({ 200: GlobalInfo }) } }, async (request) =>
    deps.vault.global.get(request.principal),
  );

  app.patch<{ Body: Static<typeof GlobalChanges> }>(
    '/v1/global',
    { schema: { summary: 'Change the SSO system settings (SSO administrators)', body: GlobalChanges, response: responses({ 200: GlobalInfo }) } },
    async (request) => deps.vault.global.update(request.body, request.principal),
  );

  app.get<{ Querystring: Static<typeof EventQuery> }>(
    '/v1/events',
    {
      schema: {
        summary: 'The event log, oldest first (SSO administrators): id filters one event, since is an ISO 8601 time, limit keeps the newest N (at most 10,000)',
        querystring: EventQuery,
        response: responses({ 200: Type.Array(Event) }),
      },
    },
    async (request) => {
      const { id, since, limit } = request.query;
      if (since !== undefined && (!ISO_TIME.test(since) || Number.isNaN(Date.parse(since)))) {
        throw fail('REQUEST_INVALID', 'since must be an ISO 8601 date or time, e.g. 2026-11-25 or 2026-11-25T10:00:00Z');
      }
      return deps.secrets.events(
        {
          ...(id === undefined ? {} : { id: Number(id) }),
          ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
          ...(limit === undefined ? {} : { limit: Number(limit) }),
        },
        request.principal,
      );
    },
  );
}
