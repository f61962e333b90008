/**
 * The service's Prometheus metrics (prom-client), behind named hooks so instrumented code never
 * touches prom-client itself. Hot-path hooks (appendDone, commit) only bump pre-bound children;
 * everything that can be read from the ledger (tree size, queue depth, checkpoint age, search
 * lag, period closes, database size) is read when Prometheus scrapes, costing appends nothing.
 */
import { statSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
   * Witness cosignature lag (issue 10): how many entries a witness's latest cosigned
   * checkpoint is behind the log's latest checkpoint. Call whenever a cosignature arrives or
   * a checkpoint is signed; `undefined` removes a witness that is no longer configured.
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

  const appends = new Counter({ name: 'ledger_append_requests_total', help: 'Append requests by kind and result.', labelNames: ['kind', 'result'], ...on });
  const records = new Counter({ name: 'ledger_records_total', help: 'Records in append requests, by evidence type and result.', labelNames: ['type', 'result'], ...on });
  const appendSeconds = new Histogram({ name: 'ledger_append_duration_seconds', help: 'Append request latency (body read to answer), by kind.', labelNames: ['kind'], buckets: LATENCY_BUCKETS, ...on });
  const commitRecords = new Histogram({ name: 'ledger_group_commit_records', help: 'Records per group commit.', buckets: COMMIT_SIZE_BUCKETS, ...on });
  const commitSeconds = new Histogram({ name: 'ledger_group_commit_duration_seconds', help: 'Group-commit transaction time, fsync included.', buckets: LATENCY_BUCKETS, ...on });
  const requestSeconds = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'Latency of requests served by express (proofs, bundles, listings...), by route pattern.',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    ...on,
  });
  const witnessLag = new Gauge({ name: 'ledger_witness_cosignature_lag_entries', help: "Entries between the log's latest checkpoint and a witness's latest cosigned one.", labelNames: ['witness'], ...on });
  const witnessLagSeconds = new Gauge({ name: 'ledger_witness_cosignature_lag_seconds', help: "Age of a witness's latest cosignature relative to the latest checkpoint.", labelNames: ['witness'], ...on });

  scrapeGauges(ledger, registry);
  ledger.onCommit = (n, seconds) => {
    commitRecords.observe(n);
    commitSeconds.observe(seconds);
  };

  // Children are bound once per label set: a hot-path inc is then a property bump, not a label hash.
  const appendChild = memo((key: string) => appends.labels(...(key.split('|') as [string, string])));
  const recordChild = memo((key: string) => records.labels(...(key.split('|') as [string, string])));
  const appendTimer = memo((kind: string) => appendSeconds.labels(kind));

  return {
    registry,
    contentType: registry.contentType,
    appendDone(kind, result, types, seconds) {
      appendChild(`${kind}|${result}`).inc();
      appendTimer(kind).observe(seconds);
      if (types.length === 1) recordChild(`${types[0]}|${result}`).inc();
      else if (types.length > 1) for (const [type, n] of countOf(types)) recordChild(`${type}|${result}`).inc(n);
    },
    requestDone(route, method, status, seconds) {
      requestSeconds.labels(route, method, String(status)).observe(seconds);
    },
    setWitnessLag(witness, entries, seconds) {
      if (entries === undefined) {
        witnessLag.remove(witness);
        witnessLagSeconds.remove(witness);
        return;
      }
      witnessLag.labels(witness).set(entries);
      if (seconds !== undefined) witnessLagSeconds.labels(witness).set(seconds);
    },
    text: () => registry.metrics(),
  };
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
  gauge('ledger_signed_tree_size', 'Tree size of the latest signed checkpoint.', () => ledger.latestCheckpoint()?.treeSize ?? 0);
  gauge('ledger_unsigned_entries', 'Entries not yet covered by a signed checkpoint.', () => ledger.size - (ledger.latestCheckpoint()?.treeSize ?? 0));
  gauge('ledger_checkpoint_age_seconds', 'Age of the latest signed checkpoint (by the ledger clock).', () => {
    const latest = ledger.latestCheckpoint();
    return latest ? (ledger.clock() - Date.parse(latest.signedAt)) / 1000 : undefined;
  });
  gauge('ledger_checkpoint_interval_seconds', 'The configured signing cadence.', () => ledger.settings.checkpointIntervalMs / 1000);
  gauge('ledger_queue_depth', 'Records queued for the next group commit.', () => ledger.queued);
  gauge('ledger_queue_max', 'Records queued beyond which appends get 503 (LEDGER_QUEUE_MAX).', () => ledger.settings.queueMax);
  gauge('ledger_search_index_lag_entries', 'Committed entries not yet in the search index.', () => ledger.searchLag);
  gauge('ledger_signing_halted', '1 when checkpoint signing has halted (no appends are accepted).', () => (ledger.health().signing === 'halted' ? 1 : 0));
  gauge('ledger_tick_failing', '1 when the last cadence tick (period closes, signing) failed.', () => (ledger.health().lastTickError ? 1 : 0));
  gauge('ledger_period_last_closed_end_timestamp_seconds', 'End of the latest closed reporting period (Unix seconds); 0 before the first close.', () => {
    const end = ledger.store.periods.lastClosedEnd();
    return end === undefined ? 0 : Date.parse(end) / 1000;
  });
  gauge('ledger_time_seconds', "The ledger clock (Unix seconds), to compare period ends with.", () => ledger.clock() / 1000);
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
