#!/usr/bin/env node
import { appActions } from './app-commands.js';
import { credentialActions } from './credential-commands.js';
import { mappingActions } from './mapping-commands.js';
import { setServer, showServer } from './server-switches.js';
import { runVaultBin, type SwitchRequest, VAULT_BIN_OPTIONS_USAGE } from './vault-bin.js';

/**
 * ENTSSO's `ssoclient`, the end user's tool: every switch acts on the caller's OWN mapping.
 * The caller is you (the OS user, as the local principal) or, with --as, that account, limited
 * exactly as the service limits it.
 */
const USAGE = `Usage: ssoclient <switch> [arguments] [options]

Your applications and your own mappings:
  -listapps                 list the applications you may use, (E)/(D)
  -displayapp <app>         show an application
  -listmappings             list your mappings, (E)/(D)
  -setcredentials <app>     set your credentials for <app>: asked at the terminal (masked fields
                            without echo), or one per line with --from-file or --stdin
  -deletemapping <app>      delete your mapping for <app>
  -enablemapping <app>      enable your mapping for <app>
  -disablemapping <app>     disable your mapping for <app>
  -server <name>            use this Tessera server (a URL, or a host name for https://NAME:8740)
  -showserver               show the server the tools use, and where that is set
  -help                     show this help

Switches are case-insensitive and start with "-" or "/" (an en dash, as pasted from
Microsoft's pages, is read as "-" with a note). Every switch ENTSSO documents for ssoclient
is offered.

${VAULT_BIN_OPTIONS_USAGE}`;

const one = { args: 1 } as const;

const app = (request: SwitchRequest) => request.args[0]!;
const json = (request: SwitchRequest) => ({ json: request.json });

await runVaultBin(process.argv.slice(2), {
  switches: {
    listapps: { args: 0 },
    displayapp: one,
    listmappings: { args: 0 },
    setcredentials: one,
    deletemapping: one,
    enablemapping: one,
    disablemapping: one,
    server: one,
    showserver: { args: 0 },
  },
  usage: USAGE,
  readsValues: ['setcredentials'],
  offline: {
    server: (request) => setServer(request, 'user'),
    showserver: (request) => showServer(request),
  },
  actions: {
    listapps: (context, request) => appActions.list(context, json(request)),
    displayapp: (context, request) => appActions.show(context, app(request), json(request)),
    listmappings: (context, request) => mappingActions.list(context, { account: context.principal.name }, json(request)),
    setcredentials: (context, request) => credentialActions.set(context, app(request), context.principal.name, { ...request.source, json: request.json }),
    deletemapping: (context, request) => mappingActions.delete(context, app(request), context.principal.name, json(request)),
    enablemapping: (context, request) => mappingActions.setEnabled(context, app(request), context.principal.name, true, json(request)),
    disablemapping: (context, request) => mappingActions.setEnabled(context, app(request), context.principal.name, false, json(request)),
    server: async () => undefined,
    showserver: async () => undefined,
  },
});
