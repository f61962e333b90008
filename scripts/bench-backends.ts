/**
 * SQLite and PostgreSQL side by side, in one run on this machine (issue 16): the cached log of
 * --size entries (bulk-load.ts) is migrated into a fresh PostgreSQL schema by `ledger migrate`'s
 * own code, then the same work is timed on both stores: start-up, inclusion and consistency
 * proofs, an unfiltered bundle streamed whole, the full audit, and appends to fresh logs
 * (one-record submissions one at a time, from concurrent clients, and batches of 100).
 * Ratios are PostgreSQL / SQLite: above 1 is slower for a latency, faster for a rate.
 *
 *   npm run build && node dist/scripts/bench-backends.js [--size 1e5] [--url postgres://…]
 *
 * The PostgreSQL server is LEDGER_BENCH_DATABASE_URL (or --url, or LEDGER_TEST_DATABASE_URL);
 * the schemas made here are named mig_bench_* and dropped at the end.
 */
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { nodeCrypto as c } from '../src/crypto/node.js';
import type { EvidenceRecord } from '../src/evidence/index.js';
import { auditLedger } from '../src/ledger/audit.js';
import { bundleChunks, planBundle } from '../src/ledger/bundle.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { migrateLog } from '../src/ledger/migration.js';
import { consistencyProof, inclusionProof } from '../src/merkle/index.js';
import { Store, backupDatabase } from '../src/store/index.js';
import { PgConnection } from '../src/store/pg/pg-connection.js';
import { PgDb } from '../src/store/pg/pg-db.js';
import { openBenchLedger, parseSizes, percentile, withTempDir } from './bench-common.js';
import { bulkLoad, cachedLogPath } from './bulk-load.js';
import { validRecords } from './bench-sequencer.js';
import { random } from './bench-proofs.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:55432/postgres';
const CLIENTS = 16;
const BATCH_RECORDS = 100;
const SOURCE = 'bench-writer';

/** How much of each thing is timed; the smoke test runs a few of each. */
export interface BackendCounts {
  proofSamples: number;
  proofWarmup: number;
  startups: number;
  singleAppends: number;
  appendsPerClient: number;
  batches: number;
}

export const FULL_COUNTS: BackendCounts = { proofSamples: 2_000, proofWarmup: 200, startups: 5, singleAppends: 500, appendsPerClient: 50, batches: 50 };

type Backend = 'sqlite' | 'postgres';

export interface Row {
  name: string;
  unit: string;
  sqlite: number;
  postgres: number;
}

let rows: Row[] = [];
let counts = FULL_COUNTS;
let say: (line: string) => void = (line) => void process.stderr.write(`bench-backends: ${line}\n`);

function record(name: string, unit: string, values: Record<Backend, number>): void {
  rows.push({ name, unit, ...values });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1e5' }, url: { type: 'string' } } });
  const size = parseSizes(values.size!)[0]!;
  const base = values.url ?? process.env.LEDGER_BENCH_DATABASE_URL ?? process.env.LEDGER_TEST_DATABASE_URL ?? DEFAULT_URL;
  const loadBefore = loadavg();
  const result = await benchBackends({ file: cachedLogPath(size), size, url: base });
  print(result, size, loadBefore, loadavg());
}

/** Every figure, SQLite beside PostgreSQL, on the log in `file` (built or extended to `size` entries first). */
export async function benchBackends(o: { file: string; size: number; url: string; counts?: BackendCounts; progress?: (line: string) => void }): Promise<Row[]> {
  rows = [];
  counts = o.counts ?? FULL_COUNTS;
  if (o.progress) say = o.progress;
  const { file, size, url: base } = o;
  say(`the ${size}-entry log (${file})`);
  await bulkLoad(file, size, say);

  const admin = new PgDb(PgConnection.open(base, { lockKey: '0' }), 'bench admin');
  const schemas: string[] = [];
  const schemaUrl = (): string => {
    const name = `mig_bench_${process.pid}_${schemas.length}`;
    admin.exec(`CREATE SCHEMA ${name}`);
    schemas.push(name);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${name}`);
    return url.toString();
  };
  try {
    const logUrl = schemaUrl();
    await benchMigrate(file, logUrl);
    const stores: Record<Backend, string> = { sqlite: file, postgres: logUrl };
    benchStartup(stores);
    await forEachBackend(stores, (b, ledger) => benchProofs(b, ledger, size));
    await forEachBackend(stores, (b, ledger) => benchBundle(b, ledger));
    await forEachBackend(stores, (b, ledger) => benchAudit(b, ledger));
    await withTempDir(async (dir) => {
      await benchAppends({ sqlite: path.join(dir, 'appends.db'), postgres: schemaUrl() });
    });
  } finally {
    for (const name of schemas) admin.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    admin.close();
  }
  return rows;
}

/** migrate (copy + proof) against what a SQLite operator does for the same guarantee: backup, then audit the copy. */
async function benchMigrate(file: string, url: string): Promise<void> {
  say('migrate: copying and proving');
  const source = Store.open(file, { readonly: true });
  const target = Store.open(url);
  let s;
  try {
    s = migrateLog(source, target, { crypto: c });
  } finally {
    target.close();
  }
  say('backup + audit of the copy (the SQLite counterpart)');
  const backup = await withTempDir(async (dir) => {
    const started = performance.now();
    await backupDatabase(source.sqlite, path.join(dir, 'copy.db'));
    const copied = performance.now();
    const copy = Store.open(path.join(dir, 'copy.db'), { readonly: true });
    try {
      if (!auditLedger(copy, { crypto: c }).ok) throw new Error('the backup fails the audit');
    } finally {
      copy.close();
    }
    return { copyMs: copied - started, totalMs: performance.now() - started };
  });
  source.close();
  const rate = (ms: number) => (s.entries * 1000) / ms;
  record('copy a log (SQLite: backup API; PostgreSQL: ledger migrate copy)', 'entries/s', { sqlite: rate(backup.copyMs), postgres: rate(s.copyMs) });
  record('copy and prove it (SQLite: backup + audit; PostgreSQL: migrate + compare + audit)', 'entries/s', {
    sqlite: rate(backup.totalMs),
    postgres: rate(s.copyMs + s.proofMs),
  });
}

/** Store.open + Ledger.open + close of the 10^5 log, the median of a few. */
function benchStartup(stores: Record<Backend, string>): void {
  say('start-up');
  const ms = {} as Record<Backend, number>;
  for (const b of ['sqlite', 'postgres'] as const) {
    const samples: number[] = [];
    for (let i = 0; i < counts.startups; i++) {
      const started = performance.now();
      const { store, ledger } = openBenchLedger(stores[b]);
      samples.push(performance.now() - started);
      ledger.close();
      store.close();
    }
    ms[b] = percentile(samples, 50);
  }
  record('start-up (open the store and the ledger), median', 'ms', ms);
}

async function forEachBackend(stores: Record<Backend, string>, fn: (b: Backend, ledger: Ledger) => void | Promise<void>): Promise<void> {
  for (const b of ['sqlite', 'postgres'] as const) {
    const { store, ledger } = openBenchLedger(stores[b]);
    try {
      await fn(b, ledger);
    } finally {
      ledger.close();
      store.close();
    }
  }
}

const latency: Record<string, Partial<Record<Backend, number>>> = {};
function put(name: string, unit: string, b: Backend, value: number): void {
  const key = `${name}\u0000${unit}`;
  const entry = (latency[key] ??= {});
  entry[b] = value;
  if (entry.sqlite !== undefined && entry.postgres !== undefined) record(name, unit, entry as Record<Backend, number>);
}

function benchProofs(b: Backend, ledger: Ledger, size: number): void {
  say(`proofs on ${b}`);
  const n = ledger.latestCheckpoint()!.treeSize;
  const next = random(16);
  const log = ledger.store.log;
  const time = (fn: () => unknown): number[] => {
    const out: number[] = [];
    for (let i = 0; i < counts.proofWarmup + counts.proofSamples; i++) {
      const t = performance.now();
      fn();
      if (i >= counts.proofWarmup) out.push(performance.now() - t);
    }
    return out;
  };
  const inclusion = time(() => inclusionProof(c, Math.floor(next() * n), n, log));
  const consistency = time(() => consistencyProof(c, 1 + Math.floor(next() * (n - 1)), n, log));
  put(`inclusion proof at ${size} entries, p50`, 'ms', b, percentile(inclusion, 50));
  put(`inclusion proof at ${size} entries, p99`, 'ms', b, percentile(inclusion, 99));
  put(`consistency proof at ${size} entries, p50`, 'ms', b, percentile(consistency, 50));
  put(`consistency proof at ${size} entries, p99`, 'ms', b, percentile(consistency, 99));
}

function benchBundle(b: Backend, ledger: Ledger): void {
  say(`bundle on ${b}`);
  const plan = planBundle(ledger, {});
  const started = performance.now();
  let bytes = 0;
  for (const chunk of bundleChunks(ledger.store, plan)) bytes += Buffer.byteLength(chunk);
  const seconds = (performance.now() - started) / 1000;
  put('bundle of the whole log, streamed (entries with inclusion proofs)', 'entries/s', b, plan.head.anchor.treeSize / seconds);
  put('bundle of the whole log, streamed', 'MB/s', b, bytes / 1e6 / seconds);
}

function benchAudit(b: Backend, ledger: Ledger): void {
  say(`audit on ${b}`);
  const report = auditLedger(ledger.store, { crypto: c });
  if (!report.ok) throw new Error(`the ${b} log fails the audit`);
  put('full audit', 'entries/s', b, report.entriesPerSecond);
}

async function benchAppends(stores: Record<Backend, string>): Promise<void> {
  for (const b of ['sqlite', 'postgres'] as const) {
    say(`appends on ${b}`);
    const { store, ledger } = openBenchLedger(stores[b]);
    ledger.start();
    try {
      let offset = 0;
      const take = (n: number): EvidenceRecord[] => {
        const out = validRecords(n, offset);
        offset += n;
        return out;
      };
      await Promise.all(take(200).map((r) => ledger.append(SOURCE, [r])));
      // One client, one record at a time: each waits for its durable commit.
      const singles = take(counts.singleAppends);
      const one: number[] = [];
      let started = performance.now();
      for (const r of singles) {
        const t = performance.now();
        await ledger.append(SOURCE, [r]);
        one.push(performance.now() - t);
      }
      put('append, 1 client, 1 record per request', 'records/s', b, (counts.singleAppends * 1000) / (performance.now() - started));
      put('append, 1 client, 1 record per request, p50', 'ms', b, percentile(one, 50));
      put('append, 1 client, 1 record per request, p99', 'ms', b, percentile(one, 99));
      // Concurrent clients, each one record at a time: group commit shares each fsync.
      const each = Array.from({ length: CLIENTS }, () => take(counts.appendsPerClient));
      const many: number[] = [];
      started = performance.now();
      await Promise.all(
        each.map(async (records) => {
          for (const r of records) {
            const t = performance.now();
            await ledger.append(SOURCE, [r]);
            many.push(performance.now() - t);
          }
        }),
      );
      put(`append, ${CLIENTS} concurrent clients, 1 record per request`, 'records/s', b, (CLIENTS * counts.appendsPerClient * 1000) / (performance.now() - started));
      put(`append, ${CLIENTS} concurrent clients, p99`, 'ms', b, percentile(many, 99));
      // Batches of 100, one at a time.
      const batches = Array.from({ length: counts.batches }, () => take(BATCH_RECORDS));
      const batchMs: number[] = [];
      started = performance.now();
      for (const batch of batches) {
        const t = performance.now();
        await ledger.append(SOURCE, batch, undefined, 'batch');
        batchMs.push(performance.now() - t);
      }
      put(`append, batches of ${BATCH_RECORDS}, 1 client`, 'records/s', b, (counts.batches * BATCH_RECORDS * 1000) / (performance.now() - started));
      put(`append, batches of ${BATCH_RECORDS}, p99`, 'ms', b, percentile(batchMs, 99));
    } finally {
      ledger.close();
      store.close();
    }
  }
}

function print(rows: readonly Row[], size: number, before: number[], after: number[]): void {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`SQLite vs PostgreSQL, log of ${size} entries; ${cpus().length} cores shared with other engineers' work and the PostgreSQL server`);
  console.log(`load average before ${before.map((l) => l.toFixed(2)).join(' ')}, after ${after.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${'figure'.padEnd(width)}  ${'unit'.padEnd(10)} ${'SQLite'.padStart(10)} ${'PostgreSQL'.padStart(11)}  PG/SQLite`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(width)}  ${r.unit.padEnd(10)} ${fmt(r.sqlite).padStart(10)} ${fmt(r.postgres).padStart(11)}  ${(r.postgres / r.sqlite).toFixed(2)}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
