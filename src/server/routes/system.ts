import type { FastifyInstance } from 'fastify';
import { isTesseraError } from '../../errors/index.js';
import type { ServerDeps } from '../app.js';
import { Health } from '../schemas.js';

/** Health, metrics and the API description: served without authentication, they hold no secret. */
export function registerSystemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const open = { config: { public: true } };
  // Anyone may ask, as often as they like: requests that arrive together share one status read
  // (a seal key read and a keyring unseal), and a failure is logged when the state changes only.
  let pending: ReturnType<typeof deps.secrets.status> | undefined;
  const status = () => (pending ??= deps.secrets.status().finally(() => (pending = undefined)));
  let lastProblem: string | undefined;

  app.get(
    '/v1/health',
    {
      ...open,
      schema: {
        summary: 'Liveness and readiness: store reachable, keyring unsealed, backup state (ENTSSO 10589)',
        security: [],
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      try {
        const current = await status();
        lastProblem = undefined;
        const verified = current.backups.filter((backup) => backup.coversCurrent).map((backup) => backup.verifiedAt);
        return {
          live: true,
          ready: true,
          sealed: false,
          storeReachable: true,
          vaultId: current.vaultId,
          currentMsid: current.currentMsid,
          backupRequired: current.backupRequired,
          lastVerifiedBackupAt: verified.sort().at(-1) ?? null,
          problem: null,
        };
      } catch (error) {
        // Not ready: say why in the catalogue's words, but nothing a failure nobody planned for holds.
        const known = isTesseraError(error);
        const code = known ? error.code : 'INTERNAL';
        // The answer names the cause; the log has the paths and details, once per change of state.
        if (lastProblem !== code) deps.logger.error({ err: error }, 'health check failed');
        lastProblem = code;
        return reply.code(503).send({
          live: true,
          ready: false,
          sealed: code.startsWith('SEAL_') || code === 'DECRYPTION_FAILED',
          storeReachable: known && code !== 'INTERNAL' && !code.startsWith('STORE_'),
          vaultId: null,
          currentMsid: null,
          backupRequired: null,
          lastVerifiedBackupAt: null,
          problem: { code, message: `not ready (${code}): the server's log says why and what to do` },
        });
      }
    },
  );

  app.get('/metrics', { ...open, schema: { hide: true } }, async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  app.get('/v1/openapi.json', { ...open, schema: { hide: true } }, async () => app.swagger());
}
