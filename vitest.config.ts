import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The contract suite (every HTTP route and the control reports) runs twice: on SQLite, with
 * everything else, and on PostgreSQL, each test ledger on a fresh schema of the run's throwaway
 * cluster (LEDGER_TEST_BACKEND, test/support/ledger.ts).
 */
const CONTRACT_SUITE = ['test/http/**/*.test.ts', 'test/reports/**/*.test.ts'];
/**
 * Not again on PostgreSQL: what never reaches the store differently (request parsing, the
 * preparation threads, the OpenAPI fuzzer's input space, the report rules' own properties).
 * Each runs on SQLite; a PostgreSQL ledger opens in ~0.3 s, which they would pay hundreds of times.
 */
const BACKEND_NEUTRAL = ['test/http/infra-*.test.ts', 'test/http/json-number.test.ts', 'test/http/layering.test.ts', 'test/http/openapi-fuzz.test.ts', 'test/http/prepare-threads.test.ts', 'test/reports/*-property.test.ts'];

export default defineConfig({
  test: {
    // vitest's default in a run is one worker fewer than the CPUs: on a 2-core machine, one. Most
    // files wait on fsync, child processes or PostgreSQL, so every core gets a worker.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The run's one throwaway PostgreSQL, started only if a test asks (test/support/postgres.ts).
    globalSetup: ['test/support/postgres-setup.ts'],
    projects: [
      // Each project names its own files: with `extends`, an include set here too would be added to the other's.
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: CONTRACT_SUITE, exclude: BACKEND_NEUTRAL, env: { LEDGER_TEST_BACKEND: 'postgres' } } },
    ],
  },
});
