import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Child-process tests run the compiled CLI, so build once before any suite starts; this keeps
 * `npx vitest run some.test.ts` honest as well as `npm test`.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], {
    cwd: root,
    stdio: 'inherit',
  });
}
