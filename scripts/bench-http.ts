/**
 * Suites 1 and 2: POST /v1/entries (one durable record per request) at several concurrency
 * levels, and POST /v1/entries/batch with 100 and 1,000 records, against an express app that
 * parses the same body and answers 201 doing nothing. Both servers run the same way: their own
 * process, the built code, logs on, and the ledger with its defaults (WAL, synchronous=FULL,
 * validation, checkpoints every second).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BENCH_ORIGIN, figure, withTempDir, type Figure } from './bench-common.js';
import { benchRecord } from './bench-records.js';
import { load, type LoadResult } from './bench-load.js';
import { baselineApp, ledgerCli, postJson, startServer, type ServerProcess } from './bench-server.js';

/** The targets. */
export const HTTP_TARGET_RATIO = 0.7;
export const BATCH_TARGET_RECORDS_PER_SECOND = 100_000;

export interface HttpOptions {
  concurrency: number[];
  batchSizes: number[];
  batchConnections: number;
  warmupSeconds: number;
  seconds: number;
}

interface Scenario {
  label: string;
  path: string;
  body: string;
  connections: number;
  /** records per request */
  records: number;
}

function scenarios(opts: HttpOptions, suite: 'http' | 'batch'): Scenario[] {
  if (suite === 'http') {
    const body = JSON.stringify(benchRecord(0));
    return opts.concurrency.map((c) => ({ label: `${c} connections`, path: '/v1/entries', body, connections: c, records: 1 }));
  }
  return opts.batchSizes.map((n) => ({
    label: `${n.toLocaleString('en-US')} records/request, ${opts.batchConnections} connections`,
    path: '/v1/entries/batch',
    body: JSON.stringify({ records: Array.from({ length: n }, (_, i) => benchRecord(i)) }),
    connections: opts.batchConnections,
    records: n,
  }));
}

async function runAll(server: ServerProcess, list: Scenario[], headers: Record<string, string>, opts: HttpOptions, notes: string[], who: string): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const s of list) {
    const base = { url: `${server.url}${s.path}`, body: s.body, headers, connections: s.connections };
    if (opts.warmupSeconds > 0) await load({ ...base, durationSeconds: opts.warmupSeconds });
    const cpuBefore = server.cpuSeconds();
    const r = await load({ ...base, durationSeconds: opts.seconds });
    const cpuPerRequestUs = ((server.cpuSeconds() - cpuBefore) / (r.requestsPerSecond * opts.seconds)) * 1e6;
    if (r.failures > 0) throw new Error(`${who} ${s.path} (${s.label}): ${r.failures} failed requests ${JSON.stringify(r.statusCodes)}`);
    notes.push(`${who} ${s.path} ${s.label}: ${Math.round(r.requestsPerSecond)} req/s, server CPU ${Math.round(cpuPerRequestUs)} us/request, RSS ${Math.round(server.rssMiB())} MiB`);
    results.push(r);
  }
  return results;
}

/** A fresh ledger service on a temporary database, and a writer token for it (`nodeArgs`: e.g. --cpu-prof). */
export async function startLedger(dir: string, nodeArgs: string[] = []): Promise<{ server: ServerProcess; headers: Record<string, string> }> {
  const adminToken = randomBytes(32).toString('base64url');
  const server = await startServer(ledgerCli(), ['serve'], {
    LEDGER_DB: path.join(dir, 'ledger.db'),
    LEDGER_KEY_FILE: path.join(dir, 'ledger.key'),
    LEDGER_ORIGIN: BENCH_ORIGIN,
    LEDGER_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'info',
  }, { nodeArgs });
  const issued = await postJson(`${server.url}/v1/tokens`, { role: 'writer', source: 'bench-writer' }, { authorization: `Bearer ${adminToken}` });
  if (issued.status !== 201) {
    await server.stop();
    throw new Error(`cannot issue a writer token: ${issued.status} ${JSON.stringify(issued.body)}`);
  }
  return { server, headers: { authorization: `Bearer ${(issued.body as { token: string }).token}` } };
}

export async function benchHttp(suite: 'http' | 'batch', opts: HttpOptions, notes: string[]): Promise<Figure[]> {
  const list = scenarios(opts, suite);
  const baselineServer = await startServer(baselineApp(), [], {});
  let baseline: LoadResult[];
  try {
    baseline = await runAll(baselineServer, list, {}, opts, notes, 'express do-nothing');
  } finally {
    await baselineServer.stop();
  }
  const measured = await withTempDir(async (dir) => {
    const { server, headers } = await startLedger(dir);
    try {
      return await runAll(server, list, headers, opts, notes, 'ledger');
    } finally {
      await server.stop();
    }
  });
  const figures: Figure[] = [];
  const baselineName = 'express 5 app: same JSON body parsed, 201, nothing done';
  list.forEach((s, i) => {
    const m = measured[i]!;
    const b = baseline[i]!;
    if (suite === 'http') {
      const ratio = m.requestsPerSecond / b.requestsPerSecond;
      figures.push(
        figure({ suite, name: `POST /v1/entries throughput, ${s.label}`, unit: 'req/s', value: m.requestsPerSecond, baselineName, baseline: b.requestsPerSecond, target: `>= ${HTTP_TARGET_RATIO}x`, met: ratio >= HTTP_TARGET_RATIO }),
        figure({ suite, name: `POST /v1/entries latency p50, ${s.label}`, unit: 'ms', value: m.p50Ms, baselineName, baseline: b.p50Ms }),
        figure({ suite, name: `POST /v1/entries latency p99, ${s.label}`, unit: 'ms', value: m.p99Ms, baselineName, baseline: b.p99Ms }),
      );
    } else {
      const value = m.requestsPerSecond * s.records;
      figures.push(
        figure({ suite, name: `POST /v1/entries/batch, ${s.label}`, unit: 'records/s', value, baselineName, baseline: b.requestsPerSecond * s.records, target: `>= ${BATCH_TARGET_RECORDS_PER_SECOND.toLocaleString('en-US')} records/s`, met: value >= BATCH_TARGET_RECORDS_PER_SECOND }),
        figure({ suite, name: `POST /v1/entries/batch latency p99, ${s.label}`, unit: 'ms', value: m.p99Ms, baselineName, baseline: b.p99Ms }),
      );
    }
  });
  return figures;
}
