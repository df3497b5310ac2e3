import { defineConfig } from 'vitest/config';

/**
 * The suites `npm run mutate` runs against each mutant (stryker.config.mjs): the unit and
 * service tests of the security core, on a real SQLite store, with the fast Argon2id
 * parameters those suites already use. The CLI, crash and cross-process suites spawn compiled
 * children (which Stryker's mutants never reach) and take minutes, so they stay in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/keys/**/*.test.ts', 'test/vault/**/*.test.ts', 'test/service/**/*.test.ts'],
    // The rules under mutation never depend on the store: SQLite only (test/support/databases.ts).
    env: { TESSERA_TEST_STORES: 'sqlite' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
