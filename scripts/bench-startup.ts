/**
 * Suite 5: start-up of the real service (`ledger serve`) on a large log, from spawning the
 * process to the first answered request (GET /v1/checkpoint, then an inclusion proof), beside
 * the same start-up on an empty database: the difference is what the log's size costs.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatSignerKey } from '../src/note/index.js';
import { BENCH_ORIGIN, benchSigner, withTempDir } from './bench-common.js';
import { getStatus, ledgerCli, startServer } from './bench-server.js';

export interface StartupRun {
  /** Spawn to the first 200 on GET /v1/checkpoint. */
  firstRequestMs: number;
  /** Spawn to the first 200 on an inclusion proof (a request that reads the tree). */
  firstProofMs: number;
}

/** The service on `dbFile` (or a new database when undefined), with the benchmark key. */
export function measureStartup(dbFile: string | undefined): Promise<StartupRun> {
  return withTempDir(async (dir) => {
    const keyFile = path.join(dir, 'bench.key');
    writeFileSync(keyFile, `${formatSignerKey(benchSigner())}\n`, { mode: 0o600 });
    const started = performance.now();
    const server = await startServer(
      ledgerCli(),
      ['serve'],
      {
        LEDGER_DB: dbFile ?? path.join(dir, 'empty.db'),
        LEDGER_KEY_FILE: keyFile,
        LEDGER_ORIGIN: BENCH_ORIGIN,
        LEDGER_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
      },
      { readyPath: '/v1/checkpoint' },
    );
    try {
      // An empty log has no leaf to prove; its first proof request is the empty consistency proof.
      const proofPath = dbFile ? '/v1/proofs/inclusion?index=0' : '/v1/proofs/consistency?from=0&to=0';
      const status = await getStatus(`${server.url}${proofPath}`);
      const firstProofMs = performance.now() - started;
      if (dbFile && status !== 200) throw new Error(`first proof request answered ${status}`);
      return { firstRequestMs: server.readyMs, firstProofMs };
    } finally {
      await server.stop();
    }
  });
}
