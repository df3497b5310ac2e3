import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Suites talk to a real PostgreSQL server, spawn processes and mount file systems.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
