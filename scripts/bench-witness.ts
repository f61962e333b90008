/**
 * Witness costs, side by side: verifying one cosignature/v1 line (node:crypto against noble, the
 * browser's), a served note with 0 against 3 cosignature lines opened with the policy, and
 * durable add-checkpoint round trips to a real witness over HTTP (each one an fsynced commit).
 *
 * Build and run: npx tsc -p tsconfig.build.json && node dist/scripts/bench-witness.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nobleCrypto } from '../src/crypto/noble.js';
import { nodeCrypto } from '../src/crypto/node.js';
import { toBase64, utf8 } from '../src/crypto/bytes.js';
import { MemoryNodeReader, consistencyProof, leafHash, rootAt } from '../src/merkle/index.js';
import {
  cosignCheckpoint,
  formatCosignerKey,
  formatVerifierKey,
  generateCosignerKey,
  generateSignerKey,
  parseWitnessPolicy,
  signCheckpoint,
  verifierKeyOf,
  verifyCosignatures,
} from '../src/note/index.js';
import { verifyCheckpointText } from '../src/verify/index.js';
import { WitnessState } from '../src/witness/witness-state.js';
import { startWitness } from '../src/witness/witness-server.js';

const MEASURE_MS = Number(process.env['BENCH_MS'] ?? 1500);
const ROUND_TRIPS = Number(process.env['BENCH_ROUND_TRIPS'] ?? 300);

function rate(op: () => unknown): number {
  for (const end = performance.now() + 200; performance.now() < end; ) op();
  let n = 0;
  const start = performance.now();
  let now = start;
  do {
    op();
    n++;
    now = performance.now();
  } while (now - start < MEASURE_MS);
  return (n * 1000) / (now - start);
}

const c = nodeCrypto;
const log = generateSignerKey(c, 'bench.example/log', new Uint8Array(32).fill(1));
const witnesses = [1, 2, 3].map((i) => generateCosignerKey(c, `bench.example/w${i}`, new Uint8Array(32).fill(10 + i)));
const reader = new MemoryNodeReader(c);
for (let i = 0; i < ROUND_TRIPS + 2; i++) reader.append(leafHash(c, utf8(`leaf ${i}`)));
const checkpoint = (size: number) => signCheckpoint(c, { origin: log.name, size, rootHash: rootAt(c, size, reader), extensions: [] }, log);
const note = checkpoint(100);
const body = note.slice(0, note.indexOf('\n\n') + 1);
const cosigned = note + witnesses.map((w) => cosignCheckpoint(c, body, w, 1_800_000_000)).join('');
const policy = parseWitnessPolicy(
  c,
  `log ${formatVerifierKey(verifierKeyOf(log))}\n${witnesses.map((w, i) => `witness w${i} ${formatCosignerKey(verifierKeyOf(w))}`).join('\n')}\ngroup all3 all w0 w1 w2\nquorum all3\n`,
);
const one = [verifierKeyOf(witnesses[0]!)];

const rows: { case: string; node: number; noble: number }[] = [];
rows.push({
  case: 'verify one cosignature line (ops/s)',
  node: rate(() => verifyCosignatures(nodeCrypto, cosigned, one)),
  noble: rate(() => verifyCosignatures(nobleCrypto, cosigned, one)),
});
rows.push({
  case: 'open a checkpoint, no policy (ops/s)',
  node: rate(() => verifyCheckpointText(nodeCrypto, note, verifierKeyOf(log))),
  noble: rate(() => verifyCheckpointText(nobleCrypto, note, verifierKeyOf(log))),
});
rows.push({
  case: 'open a checkpoint + 3-of-3 policy (ops/s)',
  node: rate(() => verifyCheckpointText(nodeCrypto, cosigned, verifierKeyOf(log), { policy })),
  noble: rate(() => verifyCheckpointText(nobleCrypto, cosigned, verifierKeyOf(log), { policy })),
});

const dir = mkdtempSync(path.join(tmpdir(), 'bench-witness-'));
const state = WitnessState.open(path.join(dir, 'w.db'));
const w = await startWitness({ c, signer: witnesses[0]!, logs: [verifierKeyOf(log)], state, port: 0, host: '127.0.0.1' });
const latencies: number[] = [];
let old = 0;
const started = performance.now();
for (let size = 1; size <= ROUND_TRIPS; size++) {
  const proof = old === 0 ? [] : consistencyProof(c, old, size, reader);
  const req = `old ${old}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${checkpoint(size)}`;
  const t0 = performance.now();
  const res = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body: req });
  await res.text();
  latencies.push(performance.now() - t0);
  if (res.status !== 200) throw new Error(`add-checkpoint ${size}: ${res.status}`);
  old = size;
}
const elapsed = performance.now() - started;
await w.close();
state.close();
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);

console.log('case'.padEnd(44), 'node'.padStart(10), 'noble'.padStart(10), 'node/noble'.padStart(11));
for (const r of rows) console.log(r.case.padEnd(44), r.node.toFixed(0).padStart(10), r.noble.toFixed(0).padStart(10), (r.node / r.noble).toFixed(1).padStart(11));
console.log(
  `add-checkpoint, durable, sequential: ${ROUND_TRIPS} in ${elapsed.toFixed(0)} ms = ${((ROUND_TRIPS * 1000) / elapsed).toFixed(0)}/s; ` +
    `p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(2)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)} ms`,
);
console.log(JSON.stringify({ rows, addCheckpoint: { roundTrips: ROUND_TRIPS, elapsedMs: elapsed, p50: latencies[Math.floor(latencies.length / 2)] } }));
