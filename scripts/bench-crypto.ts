/**
 * node:crypto against noble, side by side, on the operations the ledger repeats most:
 * SHA-256 of a 65-byte Merkle node input, leaf hashing of ~300-byte entries, the root of
 * 100k leaves through the Frontier, and Ed25519 sign/verify of a checkpoint-sized note.
 * Prints a table, then the same numbers as JSON.
 *
 * Build and run: npx tsc -p tsconfig.build.json && node dist/scripts/bench-crypto.js
 * BENCH_MS sets the time spent measuring each case per implementation (default below).
 */
import { nobleCrypto } from '../src/crypto/noble.js';
import { nodeCrypto } from '../src/crypto/node.js';
import type { Crypto } from '../src/crypto/types.js';
import { Frontier, leafHash } from '../src/merkle/index.js';

/** Long enough to smooth out GC pauses and JIT warm-up on a small machine, short enough to run often. */
const DEFAULT_MEASURE_MS = 1500;
/** Untimed runs first, so both implementations are measured with their hot paths compiled. */
const WARMUP_MS = 300;
/** Leaves in the Merkle-root case; about a day of evidence for a mid-size company. */
const ROOT_LEAVES = 100_000;
/** A typical canonical-JSON evidence envelope is a few hundred bytes. */
const LEAF_BYTES = 300;
/** A checkpoint body (origin, size, base64 root) is around 100 bytes. */
const NOTE_BYTES = 100;

const measureMs = Number(process.env['BENCH_MS'] ?? DEFAULT_MEASURE_MS);

/** Keeps results observable so the JIT cannot drop the work. */
let sink = 0;

/** Operations per second of `op`, where each call does `opsPerCall` operations. */
function rate(op: () => Uint8Array | boolean, opsPerCall = 1): number {
  const run = (ms: number): number => {
    const start = performance.now();
    let calls = 0;
    let now = start;
    do {
      const out = op();
      sink ^= typeof out === 'boolean' ? Number(out) : out[0]!;
      calls++;
      if (calls % 16 === 0 || opsPerCall > 1) now = performance.now();
    } while (now - start < ms);
    return (calls * opsPerCall) / ((performance.now() - start) / 1000);
  };
  run(WARMUP_MS);
  return run(measureMs);
}

function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const nodeInput = filled(65, 1);
const leaf = filled(LEAF_BYTES, 2);
const note = filled(NOTE_BYTES, 3);
const seed = filled(32, 4);
// The 100k leaf hashes are the same for both, so only the tree hashing is compared.
const rootLeaves = Array.from({ length: ROOT_LEAVES }, (_, i) => leafHash(nodeCrypto, filled(LEAF_BYTES, i)));

interface Case {
  name: string;
  unit: string;
  measure(c: Crypto): number;
}

const cases: Case[] = [
  { name: 'SHA-256, 65-byte input', unit: 'ops/s', measure: (c) => rate(() => c.sha256(nodeInput)) },
  { name: `leaf hash, ${LEAF_BYTES}-byte leaf`, unit: 'ops/s', measure: (c) => rate(() => leafHash(c, leaf)) },
  {
    name: `Merkle root of ${ROOT_LEAVES / 1000}k leaves (Frontier)`,
    unit: 'leaves/s',
    measure: (c) =>
      rate(() => {
        const frontier = Frontier.empty(c);
        for (const h of rootLeaves) frontier.append(h);
        return frontier.root();
      }, ROOT_LEAVES),
  },
  { name: `Ed25519 sign, ${NOTE_BYTES}-byte message`, unit: 'ops/s', measure: (c) => rate(() => c.ed25519Sign(seed, note)) },
  {
    name: `Ed25519 verify, ${NOTE_BYTES}-byte message`,
    unit: 'ops/s',
    measure: (c) => {
      const publicKey = c.ed25519PublicKey(seed);
      const signature = c.ed25519Sign(seed, note);
      return rate(() => c.ed25519Verify(publicKey, note, signature));
    },
  },
];

const results = cases.map(({ name, unit, measure }) => {
  const node = measure(nodeCrypto);
  const noble = measure(nobleCrypto);
  return { name, unit, node: Math.round(node), noble: Math.round(noble), ratio: Number((node / noble).toFixed(2)) };
});

const header = ['benchmark', 'unit', 'node:crypto', 'noble', 'node/noble'];
const rows = results.map((r) => [r.name, r.unit, r.node.toLocaleString('en-US'), r.noble.toLocaleString('en-US'), `${r.ratio}x`]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');

console.log(`node ${process.version}, ${measureMs} ms per case and implementation\n`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log();
console.log(JSON.stringify({ node: process.version, measureMs, results }, null, 2));
