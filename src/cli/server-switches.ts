/** ENTSSO's -server, -serverall and -showserver: which Tessera server the command-line tools use. */
import { loadConfig } from '../config/index.js';
import { fail } from '../errors/index.js';
import { chooseServer, perUserServerFile, serverUrl, systemServerFile, writeServerSetting } from './client-settings.js';
import { shown } from './render.js';
import type { SwitchRequest } from './vault-bin.js';

/** The process environment: config/ and client-settings.ts each read their own variables from it. */
type Environment = Record<string, string | undefined>;

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** `-server NAME` (scope user: this user's tools) or `-serverall NAME` (every user of this machine). */
export function setServer(request: SwitchRequest, scope: 'user' | 'system', env: Environment = process.env): void {
  const name = request.args[0]!;
  if (request.globals.server !== undefined) throw fail('INVALID_ARGUMENT', `${request.spelt} records a server; it does not take --server too`);
  const { url, expanded } = serverUrl(name, request.spelt);
  const config = loadConfig({ home: request.globals.home }, env);
  const file = scope === 'user' ? perUserServerFile(config.home) : systemServerFile(env);
  writeServerSetting(file, url, scope);
  if (request.json) return say(JSON.stringify({ server: url, scope: scope === 'user' ? 'user' : 'all users', file, expandedFrom: expanded ? name : null }));
  const who = scope === 'user' ? 'Your command-line tools' : 'The command-line tools of every user of this machine';
  say(
    shown`${who} now use the Tessera server ${url}` +
      (expanded ? shown` (${name} is a server name: https:// and the default port ${portOf(url)} were added)` : '') +
      shown`; saved in ${file}.`,
  );
  const effective = chooseServer(undefined, config, env);
  if (effective !== undefined && effective.url !== url) say(shown`In this environment ${effective.source} still takes precedence: ${effective.url}.`);
}

/** `-showserver`: the server the tools use and where that came from, or that they use the local vault. */
export function showServer(request: SwitchRequest, env: Environment = process.env): void {
  const config = loadConfig({ home: request.globals.home }, env);
  const home = config.home;
  const choice = chooseServer(request.globals.server, config, env);
  if (request.json) return say(JSON.stringify({ server: choice?.url ?? null, source: choice?.source ?? null }));
  if (choice === undefined) {
    return say(
      shown`No Tessera server is set: the tools use the local vault in ${home}. ` +
        'Set one with ssomanage -server NAME (for you) or ssomanage -serverall NAME (for every user of this machine).',
    );
  }
  say(shown`Tessera server: ${choice.url} (from ${choice.source}).`);
}

const portOf = (url: string) => new URL(url).port;
