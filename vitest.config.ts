import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The run's one throwaway PostgreSQL, started only if a test asks (test/support/postgres.ts).
    globalSetup: ['test/support/postgres-setup.ts'],
  },
});
