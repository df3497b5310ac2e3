import type { Credentials, VaultService } from '../service/index.js';

/** The records the vault service returns, named once for the front ends (which never import store/). */
export type Application = Awaited<ReturnType<VaultService['applications']['get']>>;
export type Mapping = Awaited<ReturnType<VaultService['mappings']['list']>>[number];
export type GlobalSettings = Awaited<ReturnType<VaultService['global']['get']>>;
export type ApplicationFlags = Application['flags'];
export type { Credentials };
