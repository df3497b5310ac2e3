/**
 * A real Tessera server on loopback for the API suites: the vault and secret services on a real
 * store (both kinds), a real fastify server listening on an ephemeral port, and real HTTP.
 * Callers authenticate with real API tokens: `bearer(principal)` makes one for that principal.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createEventEmitter } from '../../src/events/index.js';
import { apiTokenAuthenticator, createMetrics, DEFAULT_SERVER_SETTINGS, type RunningServer, type ServerSettings, startServer } from '../../src/server/index.js';
import { createTokenService, type Principal } from '../../src/service/index.js';
import type { StoreTarget } from './databases.js';
import { admin, createVaultHarness, type VaultHarness } from '../service/vault-harness.js';

/** The SSO administrators group of every test server, and principals in it or not. */
export const SSO_ADMINS = 'CORP\\SSO Admins';
export const ssoAdmin: Principal = { name: 'CORP\\root', groups: [SSO_ADMINS] };

export interface TestServer {
  harness: VaultHarness;
  server: RunningServer;
  url: string;
  /** A bearer token for `principal` (its name, groups). */
  bearer(principal: Principal): Promise<string>;
  /** fetch against the server: JSON body in, { status, headers, body } out. */
  call<T = ErrorBody>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON (typed as the caller says), or the text when the body is not JSON. */
  body: T;
  text: string;
}

/** The one error body of the API. */
export interface ErrorBody {
  error: { code: string; message: string; event: number | null; correlationId?: string };
}

export async function startTestServer(target: StoreTarget, settings: Partial<ServerSettings> = {}): Promise<TestServer> {
  const harness = await createVaultHarness(target);
  await harness.vault.global.update({ ssoAdminAccounts: [SSO_ADMINS] }, admin);
  const logger = pino(pino.destination({ dest: harness.logFile, sync: true }));
  const events = createEventEmitter({ sink: harness.store, logger, now: () => harness.clock.now });
  const tokens = createTokenService({ store: harness.store, events, computerName: 'HOST', now: () => harness.clock.now });
  const scratchDir = join(harness.dir, 'scratch');
  await mkdir(scratchDir, { recursive: true, mode: 0o700 });
  const server = await startServer({
    settings: { ...DEFAULT_SERVER_SETTINGS, listen: { host: '127.0.0.1', port: 0 }, ...settings },
    vault: harness.vault,
    secrets: harness.service,
    authenticators: [apiTokenAuthenticator(tokens)],
    tokens,
    events,
    logger,
    metrics: createMetrics(harness.service, () => harness.clock.now),
    scratchDir,
    guardedPaths: [join(harness.dir, 'home'), harness.sealKeyFile, harness.logFile, ...(harness.config.kind === 'sqlite' ? [harness.config.file] : [])],
    now: () => harness.clock.now,
  });
  const call = async <T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: body as T, text };
  };
  return {
    harness,
    server,
    url: server.url,
    bearer: async (principal) => (await tokens.create({ account: principal.name, groups: [...(principal.groups ?? [])] }, admin)).token,
    call,
    async close() {
      await server.stop();
      harness.vault.dispose();
      await harness.close();
    },
  };
}
