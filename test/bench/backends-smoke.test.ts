/**
 * A tiny run of scripts/bench-backends.ts (SQLite beside PostgreSQL): every code path runs on a
 * few hundred entries and reports a finite, positive figure for both backends. Nothing is timed
 * against a threshold. Needs a PostgreSQL server (LEDGER_TEST_DATABASE_URL).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchBackends } from '../../scripts/bench-backends.js';
import { testDatabaseUrl } from '../support/pg-schema.js';
import { tempDir } from '../support/tmp.js';

const url = testDatabaseUrl();

describe.skipIf(!url)('bench-backends (smoke)', () => {
  it('measures every figure on both backends', async () => {
    const dir = tempDir('ledger-bench-backends-');
    try {
      const rows = await benchBackends({
        file: path.join(dir.dir, 'log.db'),
        size: 300,
        url: url!,
        counts: { proofSamples: 20, proofWarmup: 2, startups: 1, singleAppends: 5, appendsPerClient: 2, batches: 2 },
        progress: () => {},
      });
      const names = rows.map((r) => r.name);
      for (const part of ['copy and prove it', 'start-up', 'inclusion proof at 300 entries, p99', 'consistency proof', 'bundle of the whole log', 'full audit', 'append, 1 client', 'concurrent clients', 'batches of 100']) {
        expect(names.some((n) => n.includes(part)), part).toBe(true);
      }
      for (const r of rows) {
        expect(Number.isFinite(r.sqlite) && r.sqlite > 0, `${r.name} on SQLite: ${r.sqlite}`).toBe(true);
        expect(Number.isFinite(r.postgres) && r.postgres > 0, `${r.name} on PostgreSQL: ${r.postgres}`).toBe(true);
      }
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});
