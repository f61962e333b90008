/**
 * A tiny run of every benchmark code path (`npm run bench` itself is not part of the tests).
 * Nothing here is timed against a threshold: the machine running the tests may be busy. The
 * checks are that each path runs, measures what it says (counts, sizes, a verifying tree) and
 * reports finite, positive, ordered numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { nodeCrypto } from '../../src/crypto/node.js';
import { validateRecord } from '../../src/evidence/index.js';
import { auditLedger } from '../../src/ledger/audit.js';
import { rootOfLeafHashes } from '../../src/merkle/index.js';
import { Store } from '../../src/store/index.js';
import { benchRecord } from '../../scripts/bench-records.js';
import { parseSizes, percentile, sizeLabel, type Figure } from '../../scripts/bench-common.js';
import { formatNumber, formatTable } from '../../scripts/bench-report.js';
import { bulkLoad } from '../../scripts/bulk-load.js';
import { measureProofs, random } from '../../scripts/bench-proofs.js';
import { benchSequencer } from '../../scripts/bench-sequencer.js';
import { benchCheckpoint } from '../../scripts/bench-checkpoint.js';
import { benchAudit } from '../../scripts/bench-audit.js';
import { benchHttp } from '../../scripts/bench-http.js';
import { tempDir } from '../support/tmp.js';

const saneFigure = (f: Figure) => {
  expect(Number.isFinite(f.value) && f.value > 0, `${f.name}: value ${f.value}`).toBe(true);
  expect(Number.isFinite(f.baseline) && f.baseline > 0, `${f.name}: baseline ${f.baseline}`).toBe(true);
  expect(f.ratio).toBeCloseTo(f.value / f.baseline, 10);
};

describe('bench helpers', () => {
  it('takes percentiles by nearest rank', () => {
    // Hand-derived: of 1..100 the 50th is 50 and the 99th is 99; of five values the median is the third.
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('parses and names log sizes', () => {
    expect(parseSizes('1e5, 1e6,1000')).toEqual([100_000, 1_000_000, 1000]);
    expect(() => parseSizes('1e5,abc')).toThrow(/not a log size/);
    expect(() => parseSizes('0')).toThrow(/not a log size/);
    expect(sizeLabel(10_000_000)).toBe('1e7');
    expect(sizeLabel(1500)).toBe('1500');
  });

  it('formats a Markdown table with one row per figure', () => {
    const f: Figure = { suite: 's', name: 'n', unit: 'u', value: 12_345.6, baselineName: 'b', baseline: 2, ratio: 6172.8, target: 't', met: false };
    const lines = formatTable([f, { ...f, met: true }]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('12,346');
    expect(lines[2]).toContain('MISSED: t');
    expect(lines[3]).toContain('met: t');
    expect(formatNumber(0.123456)).toBe('0.123');
  });

  it('draws the same pseudo-random sequence for the same seed', () => {
    const a = random(42);
    const b = random(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it('generates records that pass validation, of four types', () => {
    const types = new Set<string>();
    for (let n = 0; n < 8; n++) {
      const result = validateRecord(benchRecord(n));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      types.add(benchRecord(n).type);
    }
    expect([...types].sort()).toEqual(['access_review', 'approval', 'change', 'rotation']);
  });
});

describe('bench code paths (tiny runs)', () => {
  const SIZE = 300;
  let dir: ReturnType<typeof tempDir>;
  let file: string;

  beforeAll(async () => {
    dir = tempDir('ledger-bench-smoke-');
    file = path.join(dir.dir, 'log.db');
    const first = await bulkLoad(file, 120);
    expect(first.appended).toBe(120);
    // A second call resumes the same file up to the new size.
    const second = await bulkLoad(file, SIZE);
    expect(second.appended).toBe(SIZE - 120);
    expect((await bulkLoad(file, SIZE)).appended).toBe(0);
  });
  afterAll(() => dir.cleanup());

  it('bulk-loads a log whose tree is the RFC 9162 tree of its leaves, with a checkpoint at its size', () => {
    const store = Store.open(file, { readonly: true });
    try {
      const leafHashes = [...store.log.iterate()].map((row) => row.leafHash);
      expect(leafHashes).toHaveLength(SIZE);
      const latest = store.checkpoints.latest()!;
      expect(latest.treeSize).toBe(SIZE);
      // The reference root is recomputed from the leaf hashes alone, not from stored nodes.
      expect(Buffer.from(latest.rootHash).toString('hex')).toBe(Buffer.from(rootOfLeafHashes(nodeCrypto, leafHashes)).toString('hex'));
      expect(auditLedger(store, { crypto: nodeCrypto }).ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('measures proofs (checked against the signed root) and memory', () => {
    const run = measureProofs(file, 50);
    expect(run.size).toBe(SIZE);
    for (const l of [run.inclusion, run.consistency, run.inclusionReads, run.consistencyReads]) {
      expect(l.samples).toBe(50);
      expect(l.p50Ms).toBeGreaterThan(0);
      expect(l.p99Ms).toBeGreaterThanOrEqual(l.p50Ms);
    }
    expect(run.afterProofs.rssMiB).toBeGreaterThan(10);
    expect(run.openMs).toBeGreaterThan(0);
  });

  it('measures the audit against raw hashing', () => {
    const notes: string[] = [];
    const figures = benchAudit(file, notes);
    expect(figures.map((f) => f.unit)).toEqual(['entries/s', 'MB/s']);
    figures.forEach(saneFigure);
    expect(notes[0]).toContain('audit at');
  });

  it('measures the sequencer against plain inserts', async () => {
    const figures = await benchSequencer({ records: 400, warmupRecords: 100 });
    expect(figures.map((f) => f.name)).toEqual([
      expect.stringContaining('1-record submissions'),
      expect.stringContaining('1000-record submissions'),
      expect.stringContaining('search indexer running'),
    ]);
    figures.forEach(saneFigure);
  });

  it('measures checkpoint signing, verification and the cadence step', async () => {
    const figures = await benchCheckpoint({ measureMs: 20, cadenceSteps: 3, cadenceLogSize: 50 });
    expect(figures.map((f) => f.unit)).toEqual(['ops/s', 'ops/s', 'ops/s']);
    figures.forEach(saneFigure);
  });

  it('compares the secret screen before and after issue 11, the schema and secretlint (built dist/ required)', () => {
    // The built script: it transpiles the old screen from git beside the built crypto module.
    const out = execFileSync(process.execPath, [path.resolve('dist/scripts/bench-screening.js'), '--records', '200'], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const numbers = [...line.matchAll(/([0-9.]+) µs\/record/g)].map((m) => Number(m[1]));
      expect(numbers, line).toHaveLength(2);
      for (const n of numbers) expect(Number.isFinite(n) && n > 0, line).toBe(true);
    }
    expect(lines[0]).toMatch(/^secret screen now \(findSecrets\): .* \| secret screen before issue 11/);
  }, 60_000);

  it('drives the service and the do-nothing app over HTTP (built dist/ required)', async () => {
    const notes: string[] = [];
    const opts = { concurrency: [2], batchSizes: [10], batchConnections: 2, warmupSeconds: 0, seconds: 1 };
    const single = await benchHttp('http', opts, notes);
    expect(single.map((f) => f.unit)).toEqual(['req/s', 'ms', 'ms']);
    single.forEach(saneFigure);
    const batch = await benchHttp('batch', opts, notes);
    expect(batch.map((f) => f.unit)).toEqual(['records/s', 'ms']);
    batch.forEach(saneFigure);
    expect(notes.filter((n) => n.startsWith('ledger '))).toHaveLength(2);
  }, 30_000);
});
