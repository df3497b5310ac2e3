import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { fail } from '../../errors/index.js';
import type { BackupSource, BackupTarget } from '../../service/index.js';
import type { ServerDeps } from '../app.js';
import { checkServerPath } from '../server-paths.js';
import { BackupRequest, BackupResult, BackupSourceRequest, GenerateRequest, RestoreResult, SecretStatus, VerifyResult, responses } from '../schemas.js';

/** Room for a 1 MiB backup in base64 inside JSON. */
const UPLOAD_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The master secret lifecycle over HTTP (SSO administrators; the service decides). Files named
 * here are paths on the server, written and read as the server's OS user, with the same checks
 * and the same 10560 causes as on the CLI. Passwords travel only in bodies.
 */
export function registerSecretRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { secrets } = deps;

  app.get(
    '/v1/secret/status',
    { schema: { summary: 'The master secrets and their verified backups', response: responses({ 200: SecretStatus }) } },
    async (request) => {
      return secrets.statusFor(request.principal);
    },
  );

  app.post<{ Body: Static<typeof BackupRequest> }>(
    '/v1/secret/backup',
    {
      schema: {
        summary: 'Back up the master secrets to a file on the server, or (without file) as a download to verify with /v1/secret/verify',
        body: BackupRequest,
        response: responses({ 200: BackupResult }),
      },
    },
    async (request) => {
      const { file, force, password, reminder } = request.body;
      if (file !== undefined)
        return secrets.backup(
          target(await checkServerPath(file, deps.guardedPaths, { replacing: force === true }), force, password, reminder),
          request.principal,
        );
      // A download: written and verified in a private scratch file, handed over, then removed.
      // Made on first use, private to the server's user, inside its trusted home.
      await mkdir(deps.scratchDir, { recursive: true, mode: 0o700 });
      const scratch = join(deps.scratchDir, `download-${randomUUID()}.bak`);
      try {
        const result = await secrets.backup({ ...target(scratch, false, password, reminder), download: true }, request.principal);
        return { ...result, file: null, content: (await readFile(scratch)).toString('base64') };
      } finally {
        await rm(scratch, { force: true });
      }
    },
  );

  app.post<{ Body: Static<typeof GenerateRequest> }>(
    '/v1/secret/generate',
    {
      schema: {
        summary: 'Generate a new master secret; it becomes current only once its backup (a file on the server) is written and verified',
        body: GenerateRequest,
        response: responses({ 200: BackupResult }),
      },
    },
    async (request) => {
      const { file, force, password, reminder } = request.body;
      if (file === undefined) throw fail('REQUEST_INVALID', 'generate needs file: the path on the server where the new secret is backed up before it is used');
      return secrets.generate(
        target(await checkServerPath(file, deps.guardedPaths, { replacing: force === true }), force, password, reminder),
        request.principal,
      );
    },
  );

  app.post<{ Body: Static<typeof BackupSourceRequest> }>(
    '/v1/secret/verify',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        summary: 'Prove a backup (a file on the server, or uploaded as content) opens with its password and holds this vault’s secrets; records it',
        body: BackupSourceRequest,
        response: responses({ 200: VerifyResult }),
      },
    },
    async (request) => {
      if (request.body.force !== undefined) throw fail('REQUEST_INVALID', 'force applies to restore, not verify');
      const result = await secrets.verify(await source(request, deps), request.principal);
      return { ...result, file: request.body.file ?? null };
    },
  );

  app.post<{ Body: Static<typeof BackupSourceRequest> }>(
    '/v1/secret/restore',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        summary: 'Restore the master secrets from a backup (a file on the server, or uploaded as content)',
        body: BackupSourceRequest,
        response: responses({ 200: RestoreResult }),
      },
    },
    async (request) => {
      const result = await secrets.restore({ ...(await source(request, deps)), force: request.body.force ?? false }, request.principal);
      return { ...result, file: request.body.file ?? null };
    },
  );
}

function target(file: string, force: boolean | undefined, password: string, reminder: string | null | undefined): BackupTarget {
  return { file, force: force ?? false, reminder: reminder ?? null, password: () => Promise.resolve(password) };
}

/** A server path, or the uploaded bytes under a name that says who uploaded them. */
async function source(request: FastifyRequest<{ Body: Static<typeof BackupSourceRequest> }>, deps: ServerDeps): Promise<BackupSource> {
  const { file, content, password } = request.body;
  const prompt = () => Promise.resolve(password);
  if ((file === undefined) === (content === undefined))
    throw fail('REQUEST_INVALID', 'give either file (a path on the server) or content (the backup, base64)');
  if (file !== undefined) return { file: await checkServerPath(file, deps.guardedPaths, { replacing: false }), password: prompt };
  const who = request.principal.address === undefined ? request.principal.name : `${request.principal.name} from ${request.principal.address}`;
  return { file: `(uploaded by ${who})`, bytes: Buffer.from(content!, 'base64'), password: prompt };
}
