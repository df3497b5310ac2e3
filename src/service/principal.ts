import type { Principal } from './deps.js';

/** The local administrator the CLI acts as: `HOST\user`, as a Windows local account reads. */
export function localPrincipal(hostname: string, username: string): Principal {
  return { name: `${hostname}\\${username}`, groups: [], localAdministrator: true };
}

/** The OS user part of a principal, for messages about file permissions. */
export function osUserOf(principal: Principal): string {
  const name = principal.name;
  return name.includes('\\') ? name.slice(name.lastIndexOf('\\') + 1) : (name.split('@')[0] ?? name);
}
