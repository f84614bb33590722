import { defineConfig } from 'vitest/config';

// One Vitest run for the whole workspace: one embedded Redis for the run (globalSetup), a random
// key prefix per test (see @faturador/testing).
export default defineConfig({
  test: {
    include: ['{apps,packages,tooling}/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'apps/airtable/**'],
    globalSetup: ['./tooling/testing/src/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
