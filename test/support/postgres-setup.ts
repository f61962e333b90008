/**
 * vitest globalSetup: gives the run a folder in which the first test that needs PostgreSQL
 * starts the run's one throwaway cluster (test/support/postgres.ts), and stops that cluster and
 * removes everything when the run ends. Nothing starts unless a test asks for PostgreSQL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCluster, type Cluster } from '../../scripts/pg-cluster.mjs';

/** Where a starting worker records its cluster before initdb, so the teardown finds it whatever happened next. */
export const CLUSTER_FILE = 'cluster.json';

export default function setup(project: TestProject): () => void {
  const runDir = mkdtempSync(path.join(tmpdir(), 'ledger-pg-run-'));
  project.provide('ledgerPostgresRunDir', runDir);
  return () => {
    const file = path.join(runDir, CLUSTER_FILE);
    try {
      if (existsSync(file)) {
        const cluster = JSON.parse(readFileSync(file, 'utf8')) as Cluster;
        try {
          stopCluster(cluster);
        } finally {
          rmSync(cluster.dir, { recursive: true, force: true });
        }
      }
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}
