import type { Principal } from './deps.js';

/** The local administrator the CLI acts as: `HOST\user`, as a Windows local account reads. */
export function localPrincipal(hostname: string, username: string): Principal {
  return { name: `${hostname}\\${username}`, groups: [], localAdministrator: true };
}

/** The computer a call came from, for events' Client Computer: the caller's address, or this server. */
export function clientComputer(principal: Principal, computerName: string): string {
  return principal.address ?? computerName;
}

/** The caller for events' Client User: its name, and where an HTTP call came from. */
export function clientUser(principal: Principal): string {
  return principal.address === undefined ? principal.name : `${principal.name} (from ${principal.address})`;
}

/** The OS user part of a principal, for messages about file permissions. */
export function osUserOf(principal: Principal): string {
  const name = principal.name;
  return name.includes('\\') ? name.slice(name.lastIndexOf('\\') + 1) : (name.split('@')[0] ?? name);
}
