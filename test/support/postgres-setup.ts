/**
 * vitest globalSetup: gives the run a folder in which the first test that needs PostgreSQL
 * starts the run's one throwaway cluster (test/support/postgres.ts), and stops that cluster and
 * removes everything when the run ends. Nothing starts unless a test asks for PostgreSQL.
 * Every project of the run calls this setup: they all get the same folder (one per vitest
 * process), so the run has one cluster; the teardowns run after all tests, the first one stops it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCluster, type Cluster } from '../../scripts/pg-cluster.mjs';

/** Where a starting worker records its cluster before initdb, so the teardown finds it whatever happened next. */
export const CLUSTER_FILE = 'cluster.json';

export default function setup(project: TestProject): () => void {
  // The process's start time tells this run from an earlier process that had the same pid.
  const runDir = path.join(tmpdir(), `ledger-pg-run-${process.pid}-${Math.round(performance.timeOrigin)}`);
  project.provide('ledgerPostgresRunDir', runDir);
  project.provide('ledgerPostgresOwnerPid', process.pid);
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
