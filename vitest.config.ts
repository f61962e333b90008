import { defineConfig } from 'vitest/config';

/**
 * The contract suite (every HTTP route and the control reports) runs twice: on SQLite, with
 * everything else, and on PostgreSQL, each test ledger on a fresh schema of the run's throwaway
 * cluster (LEDGER_TEST_BACKEND, test/support/ledger.ts).
 */
const CONTRACT_SUITE = ['test/http/**/*.test.ts', 'test/reports/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The run's one throwaway PostgreSQL, started only if a test asks (test/support/postgres.ts).
    globalSetup: ['test/support/postgres-setup.ts'],
    projects: [
      // Each project names its own files: with `extends`, an include set here too would be added to the other's.
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: CONTRACT_SUITE, env: { LEDGER_TEST_BACKEND: 'postgres' } } },
    ],
  },
});
