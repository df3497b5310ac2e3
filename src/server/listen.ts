import { isIP } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { fail, isTesseraError } from '../errors/index.js';
import { type ServerDeps, buildServer } from './app.js';
import { loadTls } from './tls.js';

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. https://127.0.0.1:8740 */
  url: string;
  /** Reads the certificate and key again (SIGHUP); on failure the old ones stay and the error is returned. */
  reloadTls(): Error | undefined;
  /** Stops taking requests, waits up to the grace period for those in flight, then closes the rest. */
  stop(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Plain HTTP only on loopback, unless the operator says a TLS-terminating proxy is in front. */
export function checkTransport(deps: Pick<ServerDeps, 'settings'>): void {
  const { listen, tls, allowPlainHttp } = deps.settings;
  if (tls || allowPlainHttp || isLoopback(listen.host)) return;
  throw fail(
    'INVALID_ARGUMENT',
    `refusing to serve plain HTTP on ${listen.host}:${listen.port}: tokens and credentials would cross the network in clear. ` +
      'Give TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, or set TESSERA_ALLOW_PLAIN_HTTP=yes when a TLS-terminating proxy sits in front',
  );
}

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  checkTransport(deps);
  const { settings } = deps;
  const app = await buildServer(deps, { https: settings.tls ? loadTls(settings.tls) : null });
  try {
    await app.listen({ host: settings.listen.host, port: settings.listen.port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw fail(
        'INVALID_ARGUMENT',
        `${settings.listen.host}:${settings.listen.port} is already in use: stop what listens there, or choose another with --listen HOST:PORT`,
      );
    if (code === 'EADDRNOTAVAIL')
      throw fail('INVALID_ARGUMENT', `${settings.listen.host} is not an address of this machine: choose another with --listen HOST:PORT`);
    if (code === 'EACCES')
      throw fail('INVALID_ARGUMENT', `port ${settings.listen.port} needs privileges this user lacks: choose a port above 1023 with --listen HOST:PORT`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.listen.port;
  const host = settings.listen.host.includes(':') ? `[${settings.listen.host}]` : settings.listen.host;
  return {
    app,
    url: `${settings.tls ? 'https' : 'http'}://${host}:${port}`,
    reloadTls() {
      if (!settings.tls) return undefined;
      try {
        (app.server as unknown as TlsServer).setSecureContext(loadTls(settings.tls));
        return undefined;
      } catch (error) {
        return isTesseraError(error) ? error : (error as Error);
      }
    },
    async stop() {
      const deadline = setTimeout(() => app.server.closeAllConnections(), settings.shutdownGraceSeconds * 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
