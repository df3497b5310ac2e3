#!/usr/bin/env node
import { appActions } from './app-commands.js';
import { credentialActions } from './credential-commands.js';
import { showDatabase } from './database-switches.js';
import { globalActions, parseSwitchValue } from './global-commands.js';
import { mappingActions } from './mapping-commands.js';
import { setServer, showServer } from './server-switches.js';
import { runVaultBin, type SwitchRequest, usageProblem, VAULT_BIN_OPTIONS_USAGE } from './vault-bin.js';

/**
 * ENTSSO's `ssomanage`, for existing scripts and habits: applications, mappings, credentials and
 * the SSO system settings, with ENTSSO's switches (any case, "-" or "/") and argument order
 * (mappings are `DOMAIN\user APP`).
 */
const USAGE = `Usage: ssomanage <switch> [arguments] [options]

Applications:
  -createapps <file>                  create the applications of an ENTSSO XML file
  -updateapps <file>                  update existing applications to their definitions in the file
  -deleteapp <app>                    delete an application with its mappings and credentials
  -enableapp <app>                    enable an application
  -disableapp <app>                   disable an application
  -displayapp <app>                   show an application
  -listapps [all]                     list applications, (E)/(D); "all" adds config store applications
  -purgecache <app>                   purge cached credentials: every Tessera process reads them again

Mappings and credentials:
  -createmappings <file>              create the mappings of an ENTSSO XML file
  -deletemappings <file>              delete the mappings an ENTSSO XML file names
  -deletemapping <DOMAIN\\user> <app>  delete a mapping
  -enablemapping <DOMAIN\\user> <app>  enable a mapping
  -disablemapping <DOMAIN\\user> <app> disable a mapping
  -setcredentials <DOMAIN\\user> <app> set a mapping's credentials (host group: the external user
                                      instead of DOMAIN\\user): asked at the terminal, or one per
                                      line with --from-file or --stdin; never on the command line
  -listmappings [DOMAIN\\user] [app]   list mappings, (E)/(D), of an account, an application or both

SSO system:
  -enablesso                          enable the SSO system (SSO administrators)
  -disablesso                         disable it: lookups, tickets and runtime config reads are
                                      refused until -enablesso; administration goes on
  -displaydb                          show the SSO system settings, whether SSO is enabled first
  -updatedb <file>                    apply an ENTSSO globalInfo XML file (the SSO administrators
                                      accounts change only while SSO is disabled)
  -tickets <allow> <validate>         allow tickets / require their validation (yes/no/on/off)
  -showdb                             show the database Tessera uses (as ssoconfig -showDB)

Which server the tools use:
  -server <name>                      use this Tessera server (a URL, or a host name for
                                      https://NAME:8740) for your own commands
  -serverall <name>                   the same for every user of this machine (needs write
                                      access to /etc/tessera)
  -showserver                         show the server the tools use, and where that is set
  -help                               show this help

Not supported yet (exit 2, with what to do instead):
  -enable <hisso|winsync|extsync>     host-initiated SSO is set per application; no password sync
  -disable <hisso|winsync|extsync>    the same
  -setssl <yes|no>                    TLS is set by tessera serve and the database URL

Switches are case-insensitive and start with "-" or "/" (an en dash, as pasted from
Microsoft's pages, is read as "-" with a note).

${VAULT_BIN_OPTIONS_USAGE}`;

/** ENTSSO's documented ssomanage switches Tessera does not offer yet, with what to do instead. */
const UNSUPPORTED = {
  enable:
    'Tessera has no system-wide hisso, winsync or extsync flag: host-initiated SSO is set per application (hostInitiatedSSO="yes" in its XML, ssomanage -updateapps), and there is no password sync',
  disable:
    'Tessera has no system-wide hisso, winsync or extsync flag: host-initiated SSO is set per application (hostInitiatedSSO="no" in its XML, ssomanage -updateapps), and there is no password sync',
  setssl:
    "the server's TLS is set by tls_cert_file and tls_key_file (tessera.toml or TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, see docs/configuration.md); the database connection by its postgres:// URL (ssoconfig -setDB)",
};

const one = { args: 1 } as const;
const two = { args: 2 } as const;

const SWITCHES = {
  createapps: one,
  updateapps: one,
  deleteapp: one,
  enableapp: one,
  disableapp: one,
  displayapp: one,
  listapps: { args: 0, optional: 1 },
  purgecache: one,
  createmappings: one,
  deletemappings: one,
  deletemapping: two,
  enablemapping: two,
  disablemapping: two,
  setcredentials: two,
  listmappings: { args: 0, optional: 2 },
  enablesso: { args: 0 },
  disablesso: { args: 0 },
  displaydb: { args: 0 },
  showdb: { args: 0 },
  updatedb: one,
  tickets: two,
  server: one,
  serverall: one,
  showserver: { args: 0 },
};

const first = (request: SwitchRequest) => request.args[0]!;
const second = (request: SwitchRequest) => request.args[1]!;
const json = (request: SwitchRequest) => ({ json: request.json });

/** ENTSSO's -listmappings takes an account, an application or both; an account has a "\" or an "@". */
function mappingFilter(args: readonly string[]): { account?: string; application?: string } {
  if (args.length === 2) return { account: args[0]!, application: args[1]! };
  if (args.length === 0) return {};
  return /[\\@]/.test(args[0]!) ? { account: args[0]! } : { application: args[0]! };
}

await runVaultBin(process.argv.slice(2), {
  switches: SWITCHES,
  usage: USAGE,
  unsupported: UNSUPPORTED,
  readsValues: ['setcredentials'],
  offline: {
    server: (request) => setServer(request, 'user'),
    serverall: (request) => setServer(request, 'system'),
    showserver: (request) => showServer(request),
    showdb: (request) => showDatabase({ home: request.globals.home }, process.env, request.json),
  },
  actions: {
    createapps: (context, request) => appActions.createFromFile(context, first(request), json(request)),
    updateapps: (context, request) => appActions.updateFromFile(context, first(request), json(request)),
    deleteapp: (context, request) => appActions.delete(context, first(request), json(request)),
    enableapp: (context, request) => appActions.setEnabled(context, first(request), true, json(request)),
    disableapp: (context, request) => appActions.setEnabled(context, first(request), false, json(request)),
    displayapp: (context, request) => appActions.show(context, first(request), json(request)),
    listapps: async (context, request) => {
      const [word] = request.args;
      if (word !== undefined && word.toLowerCase() !== 'all') throw usageProblem(`-listapps takes "all" or nothing, not "${word}"`, USAGE);
      await appActions.list(context, { all: word !== undefined, json: request.json });
    },
    purgecache: (context, request) => appActions.purgeCache(context, first(request), json(request)),
    server: async () => undefined,
    serverall: async () => undefined,
    showserver: async () => undefined,
    createmappings: (context, request) => mappingActions.createFromFile(context, first(request), json(request)),
    deletemappings: (context, request) => mappingActions.deleteFromFile(context, first(request), json(request)),
    deletemapping: (context, request) => mappingActions.delete(context, second(request), first(request), json(request)),
    enablemapping: (context, request) => mappingActions.setEnabled(context, second(request), first(request), true, json(request)),
    disablemapping: (context, request) => mappingActions.setEnabled(context, second(request), first(request), false, json(request)),
    setcredentials: (context, request) => credentialActions.set(context, second(request), first(request), { ...request.source, json: request.json }),
    listmappings: (context, request) => mappingActions.list(context, mappingFilter(request.args), json(request)),
    showdb: async () => undefined,
    enablesso: (context, request) => globalActions.sso(context, true, json(request)),
    disablesso: (context, request) => globalActions.sso(context, false, json(request)),
    displaydb: (context, request) => globalActions.show(context, json(request)),
    updatedb: (context, request) => globalActions.updateFromFile(context, first(request), json(request)),
    tickets: (context, request) =>
      globalActions.tickets(
        context,
        parseSwitchValue('-tickets <allow>', first(request)),
        parseSwitchValue('-tickets <validate>', second(request)),
        json(request),
      ),
  },
});
