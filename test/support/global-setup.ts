import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describePostgresUrl } from '../../src/store/postgres/location.js';
import { pgUrl } from './databases.js';
import { claimRun } from './test-run.js';

/**
 * Child-process tests run the compiled CLI, so build once before any suite starts; this keeps
 * `npx vitest run some.test.ts` honest as well as `npm test`. Then claim this run's id on the
 * PostgreSQL server (dropping what killed runs left there); the teardown drops what this run
 * left, so a failed or interrupted test leaves nothing behind.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], {
    cwd: root,
    stdio: 'inherit',
  });
  // Without the server only the PostgreSQL tests fail (testObjectName says why), not all.
  const run = await claimRun(pgUrl).catch((error: unknown) => {
    console.warn(`no test run id: PostgreSQL at ${describePostgresUrl(pgUrl)} did not answer (${String(error)})`);
    return undefined;
  });
  return async () => {
    await run?.release();
  };
}
