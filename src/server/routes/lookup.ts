import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { fail, isTesseraError } from '../../errors/index.js';
import type { ServerDeps } from '../app.js';
import { Credentials, HostLookup, LookupRequest, MappingQuery, NameParams, PurgeRequest, RedeemRequest, Ticket, TicketRequest, responses } from '../schemas.js';

/** What integration hosts call on every message: lookups and tickets. */
export function registerLookupRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { lookup, tickets } = deps.vault;
  const { metrics } = deps;
  const counted = async <T>(counter: (outcome: string) => void, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      counter('ok');
      return result;
    } catch (error) {
      counter(isTesseraError(error) ? error.code : 'INTERNAL');
      throw error;
    }
  };

  app.get<{ Params: Static<typeof NameParams>; Querystring: Static<typeof MappingQuery> }>(
    '/v1/lookup/:name',
    {
      schema: {
        summary: "The caller's own credentials for an application (GetCredentials); administrators: account's",
        params: NameParams,
        querystring: MappingQuery,
        response: responses({ 200: Credentials }),
      },
    },
    async (request) =>
      counted(
        (outcome) => metrics.lookups.inc({ kind: 'credentials', outcome }),
        () => lookup.getCredentials(request.params.name, request.principal, request.query.account === undefined ? {} : { account: request.query.account }),
      ),
  );

  app.post<{ Params: Static<typeof NameParams>; Body: Static<typeof LookupRequest> }>(
    '/v1/lookup/:name',
    {
      schema: {
        summary:
          'Host-initiated lookup (LogonExternalUser): which enterprise account externalUser stands for, checking its password where the application validates it; ' +
          'or, without externalUser, the same as GET with the account in the body',
        params: NameParams,
        body: LookupRequest,
        // Credentials first: a serialiser takes the first branch that fits, and a host answer lacks fields.
        response: responses({ 200: Type.Union([Credentials, HostLookup]) }),
      },
    },
    async (request) => {
      const { externalUser, account, password } = request.body;
      if (externalUser === undefined) {
        if (password !== undefined) throw fail('REQUEST_INVALID', 'password goes with externalUser (a host-initiated lookup)');
        return counted(
          (outcome) => metrics.lookups.inc({ kind: 'credentials', outcome }),
          () => lookup.getCredentials(request.params.name, request.principal, account === undefined ? {} : { account }),
        );
      }
      if (account !== undefined) throw fail('REQUEST_INVALID', 'give account or externalUser, not both');
      const found = await counted(
        (outcome) => metrics.lookups.inc({ kind: 'host', outcome }),
        () => lookup.hostLookup(request.params.name, externalUser, request.principal, password),
      );
      return found;
    },
  );

  app.post<{ Body: Static<typeof PurgeRequest> }>(
    '/v1/cache/purge',
    {
      schema: {
        summary:
          "Empty the credential cache (ssomanage -purgecache): one application's (its administrators), or every one (SSO administrators); every node within its recheck window",
        body: PurgeRequest,
        response: responses({ 204: Type.Null({ description: 'no content' }) }),
      },
    },
    async (request, reply) => {
      await lookup.purgeCache(request.body.application, request.principal);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof TicketRequest> }>(
    '/v1/tickets',
    { schema: { summary: 'Issue a single-use ticket for the caller (IssueTicket)', body: TicketRequest, response: responses({ 201: Ticket }) } },
    async (request, reply) => {
      const issued = await counted(
        (outcome) => metrics.tickets.inc({ operation: 'issue', outcome }),
        () => tickets.issue(request.principal, request.body.application),
      );
      return reply.code(201).send(issued);
    },
  );

  app.post<{ Body: Static<typeof RedeemRequest> }>(
    '/v1/tickets/redeem',
    {
      schema: {
        summary: "Redeem a ticket for its owner's credentials (RedeemTicket; with sender: ValidateAndRedeemTicket)",
        body: RedeemRequest,
        response: responses({ 200: Credentials }),
      },
    },
    async (request) =>
      counted(
        (outcome) => metrics.tickets.inc({ operation: 'redeem', outcome }),
        () =>
          tickets.redeem(
            request.body.application,
            request.body.ticket,
            request.principal,
            request.body.sender === undefined ? {} : { sender: request.body.sender },
          ),
      ),
  );
}
