/**
 * What every benchmark shares: the figure format (a measurement beside its baseline from the
 * same run), percentiles, process memory, a fixed signing key and a ledger on a given file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeCrypto } from '../src/crypto/node.js';
import { generateSignerKey, type SignerKey } from '../src/note/index.js';
import { Ledger, type LedgerSettings } from '../src/ledger/ledger.js';
import { Store } from '../src/store/index.js';
import { DEFAULT_BATCH_MAX, DEFAULT_BATCH_WAIT_MS, DEFAULT_QUEUE_MAX } from '../src/config.js';

/**
 * One line of the report. `ratio` is value / baseline, so above 1 means faster for a rate
 * and slower for a latency; `target` says in words what the issue asks for, if anything.
 */
export interface Figure {
  suite: string;
  name: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  ratio: number;
  target?: string;
  met?: boolean;
}

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return { ...f, ratio: f.baseline === 0 ? Number.NaN : f.value / f.baseline };
}

/** The checkpoint origin of every benchmark log (also the key name). */
export const BENCH_ORIGIN = 'bench.example/evidence-ledger';

/** A fixed key, so cached logs reopen with the key they were built with. */
export function benchSigner(): SignerKey {
  return generateSignerKey(nodeCrypto, BENCH_ORIGIN, nodeCrypto.sha256(new TextEncoder().encode('bench-signing-key')));
}

/** The service's defaults; the checkpoint cadence is driven by the benchmark itself. */
export const BENCH_SETTINGS: LedgerSettings = {
  batchMax: DEFAULT_BATCH_MAX,
  batchWaitMs: DEFAULT_BATCH_WAIT_MS,
  queueMax: DEFAULT_QUEUE_MAX,
  checkpointIntervalMs: 60_000,
  fiscalYearStart: 1,
};

export function openBenchLedger(dbPath: string, settings: Partial<LedgerSettings> = {}): { store: Store; ledger: Ledger } {
  const store = Store.open(dbPath);
  const ledger = Ledger.open({ store, signer: benchSigner(), crypto: nodeCrypto, settings: { ...BENCH_SETTINGS, ...settings } });
  return { store, ledger };
}

/** The repository root, found from this file in `scripts/` or `dist/scripts/`. */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
}

/** Where large logs are kept between runs (gitignored). */
export function cacheDir(): string {
  return path.join(repoRoot(), '.bench-cache');
}

export function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-bench-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The p-th percentile (0..100) by nearest rank of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Memory {
  /** Resident set size in MiB. */
  rssMiB: number;
  /** The anonymous part (heap, stacks, SQLite's page cache): what grows if something is held in memory. */
  anonMiB: number;
  /** File pages mapped into the process (code, and the database when SQLite maps it). */
  fileMiB: number;
}

const KIB_PER_MIB = 1024;

/** From /proc/self/status on Linux; elsewhere only the RSS is known. */
export function memory(): Memory {
  const rssMiB = process.memoryUsage.rss() / (1024 * 1024);
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMiB, anonMiB: kib('RssAnon') / KIB_PER_MIB, fileMiB: kib('RssFile') / KIB_PER_MIB };
  } catch {
    return { rssMiB, anonMiB: Number.NaN, fileMiB: Number.NaN };
  }
}

/** Milliseconds since an hrtime mark, with sub-microsecond resolution. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** `1e5` style size names, for file names and labels. */
export function sizeLabel(n: number): string {
  const exp = Math.log10(n);
  return Number.isInteger(exp) ? `1e${exp}` : String(n);
}

/** Parses `1e5,1e6,1000` into numbers; refuses anything that is not a positive safe integer. */
export function parseSizes(text: string): number[] {
  return text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a log size: ${part}`);
    return n;
  });
}
