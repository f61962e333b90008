/**
 * Suite 4 (and the in-process half of suite 5): opens a cached log in a fresh process, then
 * times inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) for random leaves through
 * ProofService, the code behind /v1/proofs. The baseline is the storage alone: the very same
 * node reads each proof needs, as raw primary-key SELECTs. Memory is read after opening and
 * after all proofs, so a log that grows 100x shows whether the process does too.
 *
 * Run as a child by bench.ts: node dist/scripts/bench-proofs.js --db FILE --samples N
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { nodeCrypto } from '../src/crypto/node.js';
import { fromHex } from '../src/crypto/bytes.js';
import { consistencyProof, inclusionProof, verifyInclusion, type NodeReader } from '../src/merkle/index.js';
import type { InclusionAnswer } from '../src/ledger/proofs.js';
import { memory, msSince, openBenchLedger, percentile, type Memory } from './bench-common.js';

/** Proofs of each kind before timing: JIT warm-up, and the tree's upper levels into the page cache. */
const WARMUP_PROOFS = 1_000;
/** Every this many proofs, one is checked against the signed root, so the figure is never of wrong proofs. */
const VERIFY_EVERY = 100;

export interface ProofRun {
  size: number;
  openMs: number;
  inclusion: Latency;
  consistency: Latency;
  /** The same node reads as raw SELECTs. */
  inclusionReads: Latency;
  consistencyReads: Latency;
  afterOpen: Memory;
  afterProofs: Memory;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

/** A small deterministic PRNG (mulberry32), so every run asks for the same leaves. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds of each call after the warm-up ones. */
function timeEach<T>(inputs: readonly T[], call: (input: T, i: number) => unknown): number[] {
  const out: number[] = [];
  inputs.forEach((input, i) => {
    const t = process.hrtime.bigint();
    call(input, i);
    if (i >= WARMUP_PROOFS) out.push(msSince(t));
  });
  return out;
}

/** Milliseconds of each list of raw node reads after the warm-up ones. */
function timeReads(lists: readonly [number, number][][], read: (level: number, index: number) => unknown): number[] {
  return timeEach(lists, (reads) => {
    for (const [level, index] of reads) read(level, index);
  });
}

function latency(samples: number[]): Latency {
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), samples: samples.length };
}

/** Measures proofs against the log at `file` in this process. */
export function measureProofs(file: string, samples: number): ProofRun {
  const started = process.hrtime.bigint();
  const { store, ledger } = openBenchLedger(file);
  const openMs = msSince(started);
  const afterOpen = memory();
  try {
    const size = ledger.proofs.signedSize();
    const root = store.checkpoints.at(size)!.rootHash;
    const next = random(size);
    const leafIndex = () => Math.floor(next() * size);
    const oldSize = () => 1 + Math.floor(next() * size);
    const verified: { index: number; answer: InclusionAnswer }[] = [];

    const nodes = store.db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck();
    const leafHashes = store.db.prepare('SELECT leaf_hash FROM entries WHERE idx = ?').pluck();
    const rawRead = (level: number, index: number) => (level === 0 ? leafHashes.get(index) : nodes.get(level, index));
    // Which nodes a proof reads, found once per proof outside the timing.
    const readsOf = (proof: (reader: NodeReader) => void): [number, number][] => {
      const reads: [number, number][] = [];
      proof({ getNode: (level, index) => (reads.push([level, index]), store.log.getNode(level, index)) });
      return reads;
    };

    // Proofs first, timed alone, so the harness's own garbage does not land in their pauses;
    // then the same node reads, found again untimed, as raw SELECTs.
    const leaves = Array.from({ length: WARMUP_PROOFS + samples }, leafIndex);
    const olds = Array.from({ length: WARMUP_PROOFS + samples }, oldSize);
    const inclusion = timeEach(leaves, (index, i) => {
      const answer = ledger.proofs.inclusion(index);
      if (i % VERIFY_EVERY === 0) verified.push({ index, answer });
    });
    const consistency = timeEach(olds, (from) => ledger.proofs.consistency(from, size));
    for (const { index, answer } of verified) {
      const verdict = verifyInclusion(nodeCrypto, { leafHash: fromHex(answer.leafHash), index, size, proof: answer.proof.map(fromHex), root });
      if (!verdict.ok) throw new Error(`inclusion proof for ${index} in ${size} does not verify: ${verdict.reason}`);
    }
    const afterProofs = memory();
    const inclusionReads = timeReads(leaves.map((index) => readsOf((r) => inclusionProof(nodeCrypto, index, size, r))), rawRead);
    const consistencyReads = timeReads(olds.map((from) => readsOf((r) => consistencyProof(nodeCrypto, from, size, r))), rawRead);
    return {
      size,
      openMs,
      inclusion: latency(inclusion),
      consistency: latency(consistency),
      inclusionReads: latency(inclusionReads),
      consistencyReads: latency(consistencyReads),
      afterOpen,
      afterProofs,
    };
  } finally {
    store.close();
  }
}

/** Runs {@link measureProofs} in a fresh Node process, so memory figures are that log's alone. */
export async function measureProofsInChild(file: string, samples: number): Promise<ProofRun> {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'bench-proofs.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--db', file, '--samples', String(samples)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ProofRun;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, samples: { type: 'string', default: '20000' } } });
  if (!values.db) throw new Error('usage: bench-proofs --db FILE [--samples N]');
  process.stdout.write(JSON.stringify(measureProofs(values.db, Number(values.samples))));
}
