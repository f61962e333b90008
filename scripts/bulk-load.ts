/**
 * Builds (or extends) a benchmark log of a given size through the ledger's own write path:
 * Ledger.append -> Sequencer (envelope, RFC 8785 leaf, leaf hash, hash chain, frontier) ->
 * durable group commits of many records each, then one signed checkpoint at the end, then the
 * search index brought up to the log (as the service's indexer would, behind it). Logs are
 * cached under .bench-cache/ and reused; an interrupted build resumes where it stopped.
 *
 *   npm run build && node dist/scripts/bulk-load.js --size 1e6 [--db FILE]
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EvidenceRecord } from '../src/evidence/index.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { SearchIndexer } from '../src/ledger/search-indexer.js';
import type { Store } from '../src/store/index.js';
import { benchRecord } from './bench-records.js';
import { cacheDir, openBenchLedger, parseSizes, sizeLabel } from './bench-common.js';

/** Records per submission: the contract's largest batch request. */
const SUBMISSION_RECORDS = 1_000;
/** Submissions kept queued, so a commit always finds the next ones waiting. */
const SUBMISSIONS_IN_FLIGHT = 20;
/** Records per transaction: large, to amortise each fsync over many entries. */
const LOADER_BATCH_MAX = 10_000;
const PROGRESS_EVERY_MS = 5_000;
/** Entries per search-index transaction when a cached log is brought up to date. */
const INDEX_STEP_ENTRIES = 100_000;
export const BULK_SOURCE = 'bench-bulk-loader';

/** The cached log of `size` entries. */
export function cachedLogPath(size: number): string {
  return path.join(cacheDir(), `ledger-${sizeLabel(size)}.db`);
}

export interface LoadReport {
  file: string;
  size: number;
  /** Entries appended by this call (0 when the cache was already complete). */
  appended: number;
  seconds: number;
  recordsPerSecond: number;
}

/** Brings the search index up to the log, as a started service would in the background. */
function indexAll(store: Store, progress: (line: string) => void): void {
  const indexer = new SearchIndexer({ store, size: () => store.log.size(), busy: () => false });
  const size = store.log.size();
  while (indexer.step(INDEX_STEP_ENTRIES) > 0) {
    progress(`search index: ${indexer.indexedThrough.toLocaleString('en-US')} / ${size.toLocaleString('en-US')} entries`);
  }
}

/** Appends entries until the log at `file` holds `size` of them, then signs a checkpoint. */
export async function bulkLoad(file: string, size: number, progress: (line: string) => void = () => {}): Promise<LoadReport> {
  mkdirSync(path.dirname(file), { recursive: true });
  const { store, ledger } = openBenchLedger(file, { batchMax: LOADER_BATCH_MAX, queueMax: SUBMISSION_RECORDS * SUBMISSIONS_IN_FLIGHT });
  const startSize = ledger.size;
  const started = performance.now();
  try {
    if (startSize > size) throw new Error(`${file} already holds ${startSize} entries, more than ${size}`);
    await appendUpTo(ledger, size, (done) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = (done - startSize) / seconds;
      progress(`${file}: ${done.toLocaleString('en-US')} / ${size.toLocaleString('en-US')} entries, ${Math.round(rate)} records/s, ${Math.round((size - done) / rate)} s left`);
    });
  } finally {
    ledger.close(); // commits what is queued and signs the checkpoint at the final size
  }
  try {
    indexAll(store, progress);
  } finally {
    store.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const appended = size - startSize;
  return { file, size, appended, seconds, recordsPerSecond: appended / seconds };
}

async function appendUpTo(ledger: Ledger, size: number, onProgress: (done: number) => void): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  let lastReport = performance.now();
  for (let next = ledger.size + ledger.queued; next < size; ) {
    const count = Math.min(SUBMISSION_RECORDS, size - next);
    const records: EvidenceRecord[] = Array.from({ length: count }, (_, i) => benchRecord(next + i));
    inFlight.push(ledger.append(BULK_SOURCE, records, undefined, 'batch'));
    next += count;
    if (inFlight.length >= SUBMISSIONS_IN_FLIGHT) await inFlight.shift();
    if (performance.now() - lastReport > PROGRESS_EVERY_MS) {
      lastReport = performance.now();
      onProgress(ledger.size);
    }
  }
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string' }, db: { type: 'string' } } });
  if (!values.size) throw new Error('usage: bulk-load --size 1e6 [--db FILE]');
  for (const size of parseSizes(values.size)) {
    const file = values.db ?? cachedLogPath(size);
    const existed = existsSync(file);
    const r = await bulkLoad(file, size, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(
      `${r.file}: ${r.size.toLocaleString('en-US')} entries (${existed ? 'extended' : 'new'}; ${r.appended.toLocaleString('en-US')} appended in ${r.seconds.toFixed(1)} s, ${Math.round(r.recordsPerSecond)} records/s)\n`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
