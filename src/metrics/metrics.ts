/**
 * The service's Prometheus metrics (prom-client), behind named hooks so instrumented code never
 * touches prom-client itself. Hot-path hooks (appendDone, commit) only bump plain fields (families.ts);
 * everything that can be read from the ledger (tree size, queue depth, checkpoint age, search
 * lag, period closes, database size) is read when Prometheus scrapes, costing appends nothing.
 */
import { statSync } from 'node:fs';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { CounterFamily, HistogramFamily } from './families.js';
import type { Ledger } from '../ledger/ledger.js';

/** Append outcomes: new entries, an idempotent replay, or a problem by status class. */
export type AppendResult = 'created' | 'replayed' | 'client_error' | 'unavailable' | 'server_error';

export interface Metrics {
  readonly registry: Registry;
  /** One append request finished (either path): its kind, outcome, records by type and latency. */
  appendDone(kind: 'entry' | 'batch', result: AppendResult, types: readonly string[], seconds: number): void;
  /** One express request finished: `route` is its pattern (e.g. /v1/proofs/inclusion). */
  requestDone(route: string, method: string, status: number, seconds: number): void;
  /**
   * Witness cosignature lag from another source than the ledger's own witnessing (which the
   * gauges read by themselves at scrape time): how many entries a witness is behind, and for
   * how long; `undefined` removes the witness.
   */
  setWitnessLag(witness: string, entriesBehind: number | undefined, secondsBehind?: number): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const COMMIT_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 5000];

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC): on by default; tests that make many apps turn them off. */
  processMetrics?: boolean;
}

export function createMetrics(ledger: Ledger, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const on = { registers: [registry] };

  const appends = new CounterFamily('ledger_append_requests_total', 'Append requests by kind and result.', ['kind', 'result'], registry);
  const records = new CounterFamily('ledger_records_total', 'Records in append requests, by evidence type and result.', ['type', 'result'], registry);
  const appendSeconds = new HistogramFamily('ledger_append_duration_seconds', 'Append request latency (body read to answer), by kind.', ['kind'], LATENCY_BUCKETS, registry);
  const commitRecords = new HistogramFamily('ledger_group_commit_records', 'Records per group commit.', [], COMMIT_SIZE_BUCKETS, registry).child();
  const commitSeconds = new HistogramFamily('ledger_group_commit_duration_seconds', 'Group-commit transaction time, fsync included.', [], LATENCY_BUCKETS, registry).child();
  const requestSeconds = new HistogramFamily(
    'ledger_http_request_duration_seconds',
    'Latency of requests served by express (proofs, bundles, listings...), by route pattern.',
    ['route', 'method', 'status'],
    LATENCY_BUCKETS,
    registry,
  );
  // Set by setWitnessLag, and read from the ledger's witnessing (issue 10) at every scrape when it has a policy.
  const manualLag = new Map<string, { entries: number; seconds?: number }>();
  new Gauge({
    name: 'ledger_witness_cosignature_lag_entries',
    help: "Entries between the log's latest signed checkpoint and the largest one a witness has cosigned.",
    labelNames: ['witness'],
    ...on,
    collect() {
      this.reset();
      for (const [w, lag] of witnessLags(ledger, manualLag)) this.labels(w).set(lag.entries);
    },
  });
  new Gauge({
    name: 'ledger_witness_cosignature_lag_seconds',
    help: 'How long a witness behind the latest signed checkpoint has been without a cosignature (0 when caught up).',
    labelNames: ['witness'],
    ...on,
    collect() {
      this.reset();
      for (const [w, lag] of witnessLags(ledger, manualLag)) if (lag.seconds !== undefined) this.labels(w).set(lag.seconds);
    },
  });

  scrapeGauges(ledger, registry);
  ledger.onCommit = (n, seconds) => {
    commitRecords.observe(n);
    commitSeconds.observe(seconds);
  };

  // Children looked up once per label set and kept: a hot-path count is then a field increment.
  const byResult = <T>(make: (result: string) => T) => {
    const cache: Partial<Record<AppendResult, T>> = {};
    return (result: AppendResult) => (cache[result] ??= make(result));
  };
  const appendChild = { entry: byResult((r) => appends.child('entry', r)), batch: byResult((r) => appends.child('batch', r)) };
  const recordChild = byResult((r) => memo((type: string) => records.child(type, r)));
  const appendTimer = { entry: appendSeconds.child('entry'), batch: appendSeconds.child('batch') };

  return {
    registry,
    contentType: registry.contentType,
    appendDone(kind, result, types, seconds) {
      appendChild[kind](result).inc();
      appendTimer[kind].observe(seconds);
      const ofType = recordChild(result);
      if (types.length === 1) ofType(types[0]!).inc();
      else if (types.length > 1) for (const [type, n] of countOf(types)) ofType(type).inc(n);
    },
    requestDone(route, method, status, seconds) {
      requestSeconds.child(route, method, String(status)).observe(seconds);
    },
    setWitnessLag(witness, entries, seconds) {
      if (entries === undefined) manualLag.delete(witness);
      else manualLag.set(witness, { entries, ...(seconds !== undefined ? { seconds } : {}) });
    },
    text: () => registry.metrics(),
  };
}

/** Per witness: the ledger's own witnessing status, overridden by what setWitnessLag was told. */
function witnessLags(ledger: Ledger, manual: ReadonlyMap<string, { entries: number; seconds?: number }>): Map<string, { entries: number; seconds?: number }> {
  const lags = new Map<string, { entries: number; seconds?: number }>();
  const health = ledger.witnessingHealth();
  if (health) {
    const latest = ledger.latestCheckpoint();
    const signed = latest?.treeSize ?? 0;
    const now = ledger.clock();
    for (const w of health.witnesses) {
      const entries = Math.max(0, signed - w.cosignedTreeSize);
      // Behind: since its last cosignature, or (never cosigned) at least as long as the latest checkpoint is old.
      const since = w.lastSuccessAt ? Date.parse(w.lastSuccessAt) : latest ? Date.parse(latest.signedAt) : now;
      lags.set(w.name, { entries, seconds: entries === 0 ? 0 : Math.max(0, (now - since) / 1000) });
    }
  }
  for (const [w, lag] of manual) lags.set(w, lag);
  return lags;
}

function countOf(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = make(key)));
    return v;
  };
}

/** Gauges read at scrape time from the ledger and the database files. */
function scrapeGauges(ledger: Ledger, registry: Registry): void {
  const on = { registers: [registry] };
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      ...on,
      collect() {
        const v = read();
        if (v !== undefined) this.set(v);
      },
    });
  gauge('ledger_tree_size', 'Entries in the log.', () => ledger.size);
  gauge('ledger_leader', '1 on the sequencer, 0 on a follower that serves reads.', () => (ledger.role().role === 'leader' ? 1 : 0));
  gauge('ledger_leader_term', 'The leadership term this instance holds (leader) or last saw (follower); 0 when none is recorded.', () => ledger.role().term ?? 0);
  gauge('ledger_signed_tree_size', 'Tree size of the latest signed checkpoint.', () => ledger.latestCheckpoint()?.treeSize ?? 0);
  gauge('ledger_unsigned_entries', 'Entries not yet covered by a signed checkpoint.', () => ledger.size - (ledger.latestCheckpoint()?.treeSize ?? 0));
  gauge('ledger_checkpoint_age_seconds', 'Age of the latest signed checkpoint (by the ledger clock).', () => {
    const latest = ledger.latestCheckpoint();
    return latest ? (ledger.clock() - Date.parse(latest.signedAt)) / 1000 : undefined;
  });
  gauge('ledger_checkpoint_interval_seconds', 'The configured signing cadence.', () => ledger.settings.checkpointIntervalMs / 1000);
  gauge('ledger_queue_depth', 'Records queued for the next group commit.', () => ledger.queued);
  gauge('ledger_queue_max', 'Records queued beyond which appends get 503 (LEDGER_QUEUE_MAX).', () => ledger.settings.queueMax);
  gauge('ledger_witnessed_tree_size', 'Size of the newest checkpoint that meets the witness quorum (0 without a policy or before one does).', () => ledger.witnessingHealth()?.witnessedTreeSize ?? 0);
  gauge('ledger_witness_closes_pending', 'Period closes not yet covered by a checkpoint that meets the witness quorum.', () => ledger.witnessingHealth()?.closesPending ?? 0);
  gauge('ledger_witness_conflict', '1 when a witness refused this log\'s history (a fork); see /readyz.', () => (ledger.witnessingHealth()?.conflict ? 1 : 0));
  gauge('ledger_search_index_lag_entries', 'Committed entries not yet in the search index.', () => ledger.searchLag);
  gauge('ledger_signing_halted', '1 when checkpoint signing has halted (no appends are accepted).', () => (ledger.health().signing === 'halted' ? 1 : 0));
  gauge('ledger_tick_failing', '1 when the last cadence tick (period closes, signing) failed.', () => (ledger.health().lastTickError ? 1 : 0));
  gauge('ledger_period_last_closed_end_timestamp_seconds', 'End of the latest closed reporting period (Unix seconds); 0 before the first close.', () => {
    const end = ledger.store.periods.lastClosedEnd();
    return end === undefined ? 0 : Date.parse(end) / 1000;
  });
  gauge('ledger_time_seconds', "The ledger clock (Unix seconds), to compare period ends with.", () => ledger.clock() / 1000);
  if (ledger.store.backend === 'postgres') {
    gauge('ledger_database_bytes', "Size of the log's tables and indexes in PostgreSQL.", () => ledger.store.postgresBytes());
    return;
  }
  const file = ledger.store.db.name;
  gauge('ledger_database_bytes', 'Size of the SQLite database file.', () => fileSize(file));
  gauge('ledger_wal_bytes', 'Size of the SQLite write-ahead log.', () => fileSize(`${file}-wal`));
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
