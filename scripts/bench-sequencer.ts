/**
 * Suite 3: the sequencer without HTTP (envelope, canonical bytes, leaf hash, hash chain, frontier,
 * durable group commit) against plain better-sqlite3 inserts of the very same rows into the same
 * schema with the same durability (WAL, synchronous=FULL) and the same transaction size. The
 * ratio is what hashing, chaining and tree upkeep cost on top of storing the rows. A third figure
 * runs the ledger as the service does (started: checkpoint cadence and the search indexer) and
 * stops the clock only once every record is also in the search index: the sustained rate.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger } from '../src/ledger/ledger.js';
import { validateRecord, type EvidenceRecord } from '../src/evidence/index.js';
import { Store } from '../src/store/index.js';
import { benchRecord } from './bench-records.js';
import { BENCH_SETTINGS, figure, openBenchLedger, withTempDir, type Figure } from './bench-common.js';

const SUITE = 'sequencer';
/** Appended first and not timed: JIT warm-up and the first pages of every table and index. */
const DEFAULT_WARMUP_RECORDS = 5_000;
const SOURCE = 'bench-writer';

export interface SequencerOptions {
  records: number;
  warmupRecords?: number;
}

/** Records validated as the HTTP layer would, before any timing: validation is suite 1's business. */
export function validRecords(count: number, offset = 0): EvidenceRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const result = validateRecord(benchRecord(offset + i));
    if (!result.ok) throw new Error(`bench record ${offset + i} is invalid: ${JSON.stringify(result.problems)}`);
    return result.record;
  });
}

export async function benchSequencer({ records, warmupRecords = DEFAULT_WARMUP_RECORDS }: SequencerOptions): Promise<Figure[]> {
  const batch = BENCH_SETTINGS.batchMax;
  return withTempDir(async (dir) => {
    const warmup = validRecords(warmupRecords);
    const timed = validRecords(records, warmupRecords);
    const seqDb = path.join(dir, 'sequencer.db');
    const { store, ledger } = openBenchLedger(seqDb);
    const half = Math.floor(records / 2);
    await appendAsSingles(ledger.append.bind(ledger), warmup, batch);
    const single = await timeIt(() => appendAsSingles(ledger.append.bind(ledger), timed.slice(0, half), batch));
    const whole = await timeIt(() => appendAsBatches(ledger.append.bind(ledger), timed.slice(half), batch));
    ledger.close();
    store.close();
    const sustained = await appendIndexed(path.join(dir, 'indexed.db'), warmup, timed, batch);

    // The baseline stores exactly the rows the sequencer produced, read back before timing.
    const rows = readRows(seqDb);
    const plain = insertPlain(path.join(dir, 'plain.db'), rows.slice(0, warmupRecords), rows.slice(warmupRecords), batch);
    const baselineName = `plain better-sqlite3 INSERT, same rows, ${batch}/txn, WAL+FULL`;
    return [
      figure({ suite: SUITE, name: 'sequencer, 1-record submissions (group commit)', unit: 'records/s', value: half / single, baselineName, baseline: plain }),
      figure({ suite: SUITE, name: `sequencer, ${batch}-record submissions`, unit: 'records/s', value: (records - half) / whole, baselineName, baseline: plain }),
      figure({
        suite: SUITE,
        name: `sequencer, ${batch}-record submissions, search indexer running, clock stopped once all are indexed`,
        unit: 'records/s',
        value: records / sustained,
        baselineName,
        baseline: plain,
      }),
    ];
  });
}

/** Seconds to append `timed` to a started ledger and see every record in the search index. */
async function appendIndexed(file: string, warmup: EvidenceRecord[], timed: EvidenceRecord[], batch: number): Promise<number> {
  const { store, ledger } = openBenchLedger(file);
  ledger.start();
  try {
    await appendAsBatches(ledger.append.bind(ledger), warmup, batch);
    await untilIndexed(ledger);
    return await timeIt(async () => {
      await appendAsBatches(ledger.append.bind(ledger), timed, batch);
      await untilIndexed(ledger);
    });
  } finally {
    ledger.close();
    store.close();
  }
}

async function untilIndexed(ledger: Ledger): Promise<void> {
  while (ledger.searchLag > 0) await sleep(5);
}

type Append = (source: string, records: EvidenceRecord[], key?: string, kind?: 'entry' | 'batch') => Promise<unknown>;

/** One submission per record, `window` at a time: what concurrent POST /v1/entries look like to the sequencer. */
async function appendAsSingles(append: Append, records: EvidenceRecord[], window: number): Promise<void> {
  for (let i = 0; i < records.length; i += window) {
    await Promise.all(records.slice(i, i + window).map((r) => append(SOURCE, [r])));
  }
}

/** Whole batches, two in flight, as POST /v1/entries/batch would send them. */
async function appendAsBatches(append: Append, records: EvidenceRecord[], size: number): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < records.length; i += size) {
    inFlight.push(append(SOURCE, records.slice(i, i + size), undefined, 'batch'));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

interface PlainRow {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
  received_at: string;
  source: string;
  type: string;
  control_id: string;
  system: string;
  actor_id: string;
  subject_id: string;
  occurred_at: string;
}

function readRows(file: string): PlainRow[] {
  const store = Store.open(file, { readonly: true });
  try {
    return store.db.prepare('SELECT * FROM entries ORDER BY idx').all() as PlainRow[];
  } finally {
    store.close();
  }
}

/** Rows per second of plain INSERTs into a freshly migrated database (same schema, indexes, triggers). */
function insertPlain(file: string, warmup: PlainRow[], timed: PlainRow[], batch: number): number {
  const store = Store.open(file);
  const insert = store.db.prepare(`INSERT INTO entries
    (idx, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at)
    VALUES (@idx, @leaf, @leaf_hash, @received_at, @source, @type, @control_id, @system, @actor_id, @subject_id, @occurred_at)`);
  const write = (rows: PlainRow[]) => {
    for (let i = 0; i < rows.length; i += batch) {
      store.transaction(() => {
        for (const row of rows.slice(i, i + batch)) insert.run(row);
      });
    }
  };
  try {
    write(warmup);
    const start = performance.now();
    write(timed);
    return timed.length / ((performance.now() - start) / 1000);
  } finally {
    store.close();
  }
}
