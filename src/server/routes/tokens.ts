import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { fail } from '../../errors/index.js';
import type { TokenService } from '../../service/index.js';
import { AllQuery, NewToken, Token, TokenInfo, TokenParams, responses } from '../schemas.js';

/** API tokens (SSO administrators; the service decides): the token text is in the create answer only. */
export function registerTokenRoutes(app: FastifyInstance, tokens: TokenService): void {
  app.get<{ Querystring: Static<typeof AllQuery> }>(
    '/v1/tokens',
    {
      schema: {
        summary: 'API tokens (never their secret); all=true includes revoked ones',
        querystring: AllQuery,
        response: responses({ 200: Type.Array(TokenInfo) }),
      },
    },
    async (request) => tokens.list(request.principal, { includeRevoked: request.query.all === 'true' }),
  );

  app.post<{ Body: Static<typeof NewToken> }>(
    '/v1/tokens',
    {
      schema: {
        summary: 'Make an API token for a principal and its groups; the answer holds the token, once',
        body: NewToken,
        response: responses({ 201: Token }),
      },
    },
    async (request, reply) => {
      const { account, groups, expiresAt, description } = request.body;
      const expiry = expiresAt === undefined ? undefined : new Date(expiresAt);
      if (expiry !== undefined && Number.isNaN(expiry.getTime()))
        throw fail('REQUEST_INVALID', 'expiresAt must be an ISO 8601 time, e.g. 2027-06-30T12:00:00Z');
      const created = await tokens.create(
        { account, groups: groups ?? [], ...(expiry === undefined ? {} : { expiresAt: expiry }), ...(description === undefined ? {} : { description }) },
        request.principal,
      );
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: Static<typeof TokenParams> }>(
    '/v1/tokens/:id',
    { schema: { summary: 'Revoke an API token', params: TokenParams, response: responses({ 200: TokenInfo }) } },
    async (request) => tokens.revoke(request.params.id, request.principal),
  );
}
