import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';

/** The repository root and the compiled output the global setup builds. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distFile = (relative: string) => `${repoRoot}dist/${relative}`;
export const distUrl = (relative: string) => pathToFileURL(distFile(relative)).href;
