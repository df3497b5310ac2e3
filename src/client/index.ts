/**
 * Tessera as a client of a Tessera server: the same operations the service offers in-process
 * (VaultApi, SecretApi), each one HTTP call, failures turned back into the server's TesseraError
 * so front ends print and exit alike. Unreachable servers, TLS failures and answers that are not
 * Tessera's are SERVER_UNREACHABLE, naming the URL, never the token.
 */
import type { Principal, SecretApi, VaultApi } from '../service/index.js';
import { type ClientOptions, createHttpCaller, type HttpCaller } from './http.js';
import { createHttpSecrets, type LocalBackupFiles } from './secrets.js';
import { createHttpVault } from './vault.js';

export { type ClientOptions, CLIENT_DEFAULTS, createHttpCaller, type HttpCaller } from './http.js';
export { createHttpSecrets, type LocalBackupFiles } from './secrets.js';
export { createHttpVault } from './vault.js';

export interface ServerClient {
  vault: VaultApi;
  secrets: SecretApi;
  /** Who the server takes the token's holder for (GET /v1/whoami). */
  whoami(): Promise<Principal>;
  close(): Promise<void>;
}

/** One connection pool for both: the vault and the master secret operations of one server. */
export function connectToServer(options: ClientOptions, files: LocalBackupFiles): ServerClient {
  const http: HttpCaller = createHttpCaller(options);
  return {
    vault: createHttpVault(http),
    secrets: createHttpSecrets(http, files),
    whoami: async () => {
      const me = await http.call<{ name: string; groups: string[] }>('GET', '/v1/whoami');
      return { name: me.name, groups: me.groups, localAdministrator: false };
    },
    close: () => http.close(),
  };
}
