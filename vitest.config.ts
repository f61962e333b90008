import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every answer an API test receives from a ledger app is checked against the OpenAPI document.
    setupFiles: ['test/support/openapi-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
