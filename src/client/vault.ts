import type { ConfigValues, Credentials, IssuedTicket, VaultApi, VaultService } from '../service/index.js';
import { apiPath, type HttpCaller } from './http.js';

type Application = Awaited<ReturnType<VaultService['applications']['get']>>;
type NewApplication = Parameters<VaultService['applications']['create']>[0];
type Mapping = Awaited<ReturnType<VaultService['mappings']['create']>>;
type ListedMapping = Awaited<ReturnType<VaultService['mappings']['list']>>[number];
type GlobalInfo = Awaited<ReturnType<VaultService['global']['get']>>;

/**
 * The vault operations over HTTP, one call each. The principal arguments of VaultApi are not
 * sent: the server authenticates the token and decides as whom the call runs.
 */
export function createHttpVault(http: HttpCaller): VaultApi {
  const app = (name: string, ...rest: string[]) => apiPath('/v1/applications', name, ...rest);
  return {
    applications: {
      // Created disabled, as the service creates every application; the caller enables it.
      create: (input: NewApplication) =>
        http.call<Application>('POST', '/v1/applications', { body: { ...input, flags: { ...input.flags, enableApp: false } } }),
      get: (name) => http.call<Application>('GET', app(name)),
      list: (_principal, options = {}) => http.call<Application[]>('GET', '/v1/applications', { query: { all: options.all ? 'true' : undefined } }),
      update: (name, changes) => http.call<Application>('PATCH', app(name), { body: changes }),
      setEnabled: (name, enabled) => http.call<Application>('PUT', app(name, 'enabled'), { body: { enabled } }),
      delete: (name) => http.call<undefined>('DELETE', app(name)),
    },
    mappings: {
      create: (appName, account, externalUser) => http.call<Mapping>('POST', app(appName, 'mappings'), { body: { account, externalUser } }),
      list: (filter) =>
        filter.application === undefined
          ? http.call<ListedMapping[]>('GET', '/v1/mappings', { query: { account: filter.account } })
          : http.call<ListedMapping[]>('GET', app(filter.application, 'mappings'), { query: { account: filter.account } }),
      setEnabled: (appName, account, enabled) => http.call<Mapping>('PUT', app(appName, 'mappings', account, 'enabled'), { body: { enabled } }),
      delete: (appName, account) => http.call<undefined>('DELETE', app(appName, 'mappings', account)),
      setCredentials: (appName, account, values) => http.call<undefined>('PUT', app(appName, 'mappings', account, 'credentials'), { body: { values } }),
    },
    lookup: {
      // POST, so that an account name never sits in a URL or an access log.
      getCredentials: (appName, _principal, options = {}) =>
        http.call<Credentials>('POST', apiPath('/v1/lookup', appName), { body: options.account === undefined ? {} : { account: options.account } }),
      hostLookup: (appName, externalUser, _principal, password) =>
        http.call<{ application: string; account: string; externalUser: string }>('POST', apiPath('/v1/lookup', appName), {
          body: password === undefined ? { externalUser } : { externalUser, password },
        }),
      purgeCache: (appName) => http.call<undefined>('POST', '/v1/cache/purge', { body: appName === undefined ? {} : { application: appName } }),
    },
    tickets: {
      issue: (_principal, appName) => http.call<IssuedTicket>('POST', '/v1/tickets', { body: appName === undefined ? {} : { application: appName } }),
      redeem: (appName, ticket, _principal, options = {}) =>
        http.call<Credentials>('POST', '/v1/tickets/redeem', {
          body: options.sender === undefined ? { application: appName, ticket } : { application: appName, ticket, sender: options.sender },
        }),
    },
    config: {
      set: (appName, identifier, values) => http.call<undefined>('PUT', app(appName, 'config', identifier), { body: { values } }),
      get: async (appName, identifier, mode) =>
        (await http.call<{ values: ConfigValues }>('GET', app(appName, 'config', identifier), { query: { mode } })).values,
      delete: (appName, identifier) => http.call<undefined>('DELETE', app(appName, 'config', identifier)),
    },
    global: {
      get: () => http.call<GlobalInfo>('GET', '/v1/global'),
      update: (patch) => http.call<GlobalInfo>('PATCH', '/v1/global', { body: patch }),
    },
    // Nothing is cached in this process: no key to zero.
    dispose: () => undefined,
  };
}
