import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { defaultFlags } from '../../vault/index.js';
import type { ServerDeps } from '../app.js';
import {
  AllQuery,
  Application,
  ApplicationChanges,
  ConfigParams,
  ConfigQuery,
  ConfigRequest,
  ConfigResponse,
  CredentialValues,
  Enabled,
  Mapping,
  MappingParams,
  MappingQuery,
  NameParams,
  NewApplication,
  NewMapping,
  responses,
} from '../schemas.js';

type Params<T> = { Params: Static<T extends import('@sinclair/typebox').TSchema ? T : never> };
const Empty = Type.Null({ description: 'no content' });

/** Applications, their mappings and credentials, and the config store: one service call each. */
export function registerApplicationRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { applications, mappings, config } = deps.vault;

  app.get<{ Querystring: Static<typeof AllQuery> }>(
    '/v1/applications',
    {
      schema: {
        summary: 'The applications the caller may see (all: with config store applications)',
        querystring: AllQuery,
        response: responses({ 200: Type.Array(Application) }),
      },
    },
    async (request) => applications.list(request.principal, { all: request.query.all === 'true' }),
  );

  app.post<{ Body: Static<typeof NewApplication> }>(
    '/v1/applications',
    { schema: { summary: 'Create an application (disabled unless flags.enableApp)', body: NewApplication, response: responses({ 201: Application }) } },
    async (request, reply) => {
      const body = request.body;
      const type = body.type ?? 'individual';
      const flags = { ...defaultFlags(type), ...body.flags };
      let created = await applications.create(
        {
          name: body.name,
          type,
          description: body.description ?? '',
          contact: body.contact ?? '',
          userAccounts: body.userAccounts,
          adminAccounts: body.adminAccounts,
          windowsAccount: body.windowsAccount ?? null,
          fields: body.fields ?? [
            { ordinal: 0, label: 'User Id', masked: false, sync: false },
            { ordinal: 1, label: 'Password', masked: true, sync: false },
          ],
          flags,
          ticketTimeoutMinutes: body.ticketTimeoutMinutes ?? null,
        },
        request.principal,
      );
      if (flags.enableApp) created = await applications.setEnabled(created.name, true, request.principal);
      return reply.code(201).send(created);
    },
  );

  app.get<Params<typeof NameParams>>(
    '/v1/applications/:name',
    { schema: { summary: 'One application', params: NameParams, response: responses({ 200: Application }) } },
    async (request) => applications.get(request.params.name, request.principal),
  );

  app.patch<Params<typeof NameParams> & { Body: Static<typeof ApplicationChanges> }>(
    '/v1/applications/:name',
    { schema: { summary: 'Change an application', params: NameParams, body: ApplicationChanges, response: responses({ 200: Application }) } },
    async (request) => applications.update(request.params.name, request.body, request.principal),
  );

  app.put<Params<typeof NameParams> & { Body: Static<typeof Enabled> }>(
    '/v1/applications/:name/enabled',
    { schema: { summary: 'Enable or disable an application', params: NameParams, body: Enabled, response: responses({ 200: Application }) } },
    async (request) => applications.setEnabled(request.params.name, request.body.enabled, request.principal),
  );

  app.delete<Params<typeof NameParams>>(
    '/v1/applications/:name',
    { schema: { summary: 'Delete an application with its mappings, credentials and config entries', params: NameParams, response: responses({ 204: Empty }) } },
    async (request, reply) => {
      await applications.delete(request.params.name, request.principal);
      return reply.code(204).send();
    },
  );

  app.get<Params<typeof NameParams> & { Querystring: Static<typeof MappingQuery> }>(
    '/v1/applications/:name/mappings',
    {
      schema: {
        summary: "An application's mappings (administrators: all, or account's; users: their own)",
        params: NameParams,
        querystring: MappingQuery,
        response: responses({ 200: Type.Array(Mapping) }),
      },
    },
    async (request) =>
      mappings.list(
        { application: request.params.name, ...(request.query.account === undefined ? {} : { account: request.query.account }) },
        request.principal,
      ),
  );

  app.get<{ Querystring: Static<typeof MappingQuery> }>(
    '/v1/mappings',
    {
      schema: {
        summary: "Mappings across applications: the caller's own, or (administrators) account's",
        querystring: MappingQuery,
        response: responses({ 200: Type.Array(Mapping) }),
      },
    },
    async (request) => mappings.list(request.query.account === undefined ? {} : { account: request.query.account }, request.principal),
  );

  app.post<Params<typeof NameParams> & { Body: Static<typeof NewMapping> }>(
    '/v1/applications/:name/mappings',
    {
      schema: {
        summary: 'Map an enterprise account to an external account (disabled until credentials are set)',
        params: NameParams,
        body: NewMapping,
        response: responses({ 201: Mapping }),
      },
    },
    async (request, reply) => {
      const created = await mappings.create(request.params.name, request.body.account, request.body.externalUser, request.principal);
      const application = (await applications.get(request.params.name, request.principal)).name;
      return reply.code(201).send({ ...created, application });
    },
  );

  app.put<Params<typeof MappingParams> & { Body: Static<typeof Enabled> }>(
    '/v1/applications/:name/mappings/:account/enabled',
    { schema: { summary: 'Enable or disable a mapping', params: MappingParams, body: Enabled, response: responses({ 200: Mapping }) } },
    async (request) => {
      const mapping = await mappings.setEnabled(request.params.name, request.params.account, request.body.enabled, request.principal);
      return { ...mapping, application: (await applications.get(request.params.name, request.principal).catch(() => undefined))?.name ?? request.params.name };
    },
  );

  app.delete<Params<typeof MappingParams>>(
    '/v1/applications/:name/mappings/:account',
    { schema: { summary: 'Delete a mapping and its credentials', params: MappingParams, response: responses({ 204: Empty }) } },
    async (request, reply) => {
      await mappings.delete(request.params.name, request.params.account, request.principal);
      return reply.code(204).send();
    },
  );

  app.put<Params<typeof MappingParams> & { Body: Static<typeof CredentialValues> }>(
    '/v1/applications/:name/mappings/:account/credentials',
    {
      schema: {
        summary: "Set a mapping's credentials (fields 1..n in order); enables the mapping",
        params: MappingParams,
        body: CredentialValues,
        response: responses({ 204: Empty }),
      },
    },
    async (request, reply) => {
      await mappings.setCredentials(request.params.name, request.params.account, request.body.values, request.principal);
      return reply.code(204).send();
    },
  );

  app.get<Params<typeof ConfigParams> & { Querystring: Static<typeof ConfigQuery> }>(
    '/v1/applications/:name/config/:identifier',
    {
      schema: {
        summary: 'Read a config store entry (mode runtime: as the application reads it; admin: as an administrator)',
        params: ConfigParams,
        querystring: ConfigQuery,
        response: responses({ 200: ConfigResponse }),
      },
    },
    async (request) => {
      const values = await config.get(request.params.name, request.params.identifier, request.query.mode ?? 'runtime', request.principal);
      // The name as stored, as every other answer gives it; a caller who may read the entry may read that.
      const application = (await applications.get(request.params.name, request.principal).catch(() => undefined))?.name ?? request.params.name;
      return { application, identifier: request.params.identifier, values };
    },
  );

  app.put<Params<typeof ConfigParams> & { Body: Static<typeof ConfigRequest> }>(
    '/v1/applications/:name/config/:identifier',
    { schema: { summary: 'Write a config store entry (replaces its values)', params: ConfigParams, body: ConfigRequest, response: responses({ 204: Empty }) } },
    async (request, reply) => {
      await config.set(request.params.name, request.params.identifier, request.body.values, request.principal);
      return reply.code(204).send();
    },
  );

  app.delete<Params<typeof ConfigParams>>(
    '/v1/applications/:name/config/:identifier',
    { schema: { summary: 'Delete a config store entry', params: ConfigParams, response: responses({ 204: Empty }) } },
    async (request, reply) => {
      await config.delete(request.params.name, request.params.identifier, request.principal);
      return reply.code(204).send();
    },
  );
}
