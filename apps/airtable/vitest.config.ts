import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The extension runs in a browser frame: its tests run under jsdom, apart from the workspace's
// Node tests (the root config excludes this folder). The setup file must load
// @airtable/blocks-testing before anything imports @airtable/blocks.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
