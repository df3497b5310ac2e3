// Mutation testing of the security core: `npm run mutate` (not part of `npm test`).
// docs/mutation-testing.md says what it measures, how long it takes, and which surviving
// mutants are equivalent (they cannot change behaviour).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // The unit and service suites on SQLite only: the CLI and crash suites spawn compiled
  // children, which never load a mutant, and take minutes (vitest.mutation.config.ts).
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'src/keys/aead.ts',
    'src/keys/backup-file.ts',
    'src/keys/keyring.ts',
    'src/keys/password-policy.ts',
    'src/vault/field-cipher.ts',
    'src/vault/tickets.ts',
    'src/vault/application-rules.ts',
    'src/service/authorize.ts',
    'src/service/tickets.ts',
  ],
  // Each mutant runs only the tests that reach it (all of them for module-level constants);
  // two workers for a two-core machine.
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // The few survivors are the equivalent mutants docs/mutation-testing.md lists; below 85%
  // killed, a rule has lost its test.
  thresholds: { high: 95, low: 90, break: 85 },
};
