/**
 * Control reports and their completeness line, side by side with what they sit next to:
 *  - the control-heads line of a cadence checkpoint (fold of the entries since the last one, one
 *    look-up per control, heads tree) against the rest of signing that checkpoint;
 *  - the first checkpoint after an upgrade (fold of the whole log) against recomputing the root;
 *  - one control's report from the store (entries/s) against reading the same entries;
 *  - the offline verifier on that control's report bundle against the same bundle without the report.
 *
 *   npm run build && node dist/scripts/bench-control-reports.js [--size 100000] [--controls 40]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { nodeCrypto } from '../src/crypto/node.js';
import { rootAt } from '../src/merkle/index.js';
import type { EvidenceRecord } from '../src/evidence/index.js';
import { controlHeadsAt } from '../src/ledger/control-heads.js';
import { periodAnchor } from '../src/ledger/period-anchor.js';
import { eachRow, ReportService } from '../src/ledger/reports.js';
import { bundleChunks, planBundle } from '../src/ledger/bundle.js';
import { withControlSection } from '../src/ledger/report-bundle.js';
import { parsePeriodId } from '../src/evidence/index.js';
import { verifyBundle } from '../src/verify/index.js';
import { Ledger } from '../src/ledger/ledger.js';
import { Store } from '../src/store/index.js';
import { BENCH_SETTINGS, benchSigner, withTempDir } from './bench-common.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, controls: { type: 'string', default: '40' } } });
const SIZE = Number(values.size);
const CONTROLS = Number(values.controls);
const START = Date.parse('2026-07-01T00:00:00.000Z');
const STEP_MS = Math.floor((90 * 86_400_000) / SIZE);

function record(i: number): EvidenceRecord {
  const controlId = `ITGC-AC-${String(i % CONTROLS).padStart(2, '0')}`;
  const occurredAt = new Date(START + i * STEP_MS).toISOString();
  const base = { controlId, system: 'payments-api-prod', actor: { id: 'spiffe://corp/rotator', kind: 'workload' }, subject: { id: `svc-${i % 500}`, kind: 'service_account' }, occurredAt };
  if (i < CONTROLS) return { type: 'control', ...base, frequency: 'continuous', description: 'bench', tests: { rotationMaxDays: 30, revocationGraceHours: 24, maxCredentialLifetimeDays: 365 } } as EvidenceRecord;
  return { type: 'rotation', ...base, credentialId: `k-${i % 2000}`, newFingerprint: 'sha256:4b1e' } as EvidenceRecord;
}

const ms = (start: number) => performance.now() - start;

await withTempDir(async (dir) => {
  let now = START;
  const store = Store.open(path.join(dir, 'bench.db'));
  const ledger = Ledger.open({ store, signer: benchSigner(), crypto: nodeCrypto, settings: { ...BENCH_SETTINGS, batchMax: 10_000 }, clock: () => now });
  for (let i = 0; i < SIZE; i += 1000) {
    now = START + i * STEP_MS;
    await ledger.append('bench', Array.from({ length: Math.min(1000, SIZE - i) }, (_, k) => record(i + k)));
  }
  // The service's indexer keeps the search index up with the log; do its work up front.
  while (ledger.searchLag > 0) ledger.indexSearchStep(100_000);
  let t = performance.now();
  const full = controlHeadsAt(nodeCrypto, store, SIZE);
  const fullFold = ms(t);
  t = performance.now();
  rootAt(nodeCrypto, SIZE, store.log);
  const root = ms(t);
  t = performance.now();
  ledger.checkpointAt(SIZE);
  const firstCheckpoint = ms(t);
  console.log(`first checkpoint after upgrade, ${SIZE} entries, ${full.heads.length} controls: heads fold ${fullFold.toFixed(0)} ms; root from storage ${root.toFixed(1)} ms; whole signing step ${firstCheckpoint.toFixed(0)} ms`);

  // A cadence step: 1,000 new entries since the last checkpoint.
  now += 1000;
  await ledger.append('bench', Array.from({ length: 1000 }, (_, k) => record(SIZE + k)));
  t = performance.now();
  controlHeadsAt(nodeCrypto, store, SIZE + 1000);
  const line = ms(t);
  t = performance.now();
  ledger.checkpointAt(SIZE + 1000);
  const step = ms(t);
  console.log(`cadence checkpoint after 1,000 entries: heads line ${line.toFixed(2)} ms of a ${step.toFixed(2)} ms signing step (${((100 * line) / step).toFixed(0)}%)`);

  // One control's report, against just reading its entries.
  now = Date.parse('2026-10-01T00:00:02.000Z');
  ledger.tick(); // closes 2026-Q3
  while (ledger.searchLag > 0) ledger.indexSearchStep(100_000);
  const period = parsePeriodId('2026-Q3', 1);
  const anchor = periodAnchor(ledger, period);
  const controlId = 'ITGC-AC-07';
  t = performance.now();
  let rows = 0;
  await eachRow(store, { controlId }, 0, anchor.checkpoint.treeSize, () => rows++);
  const read = ms(t);
  const service = new ReportService(ledger);
  t = performance.now();
  const { report } = await service.report(anchor, controlId);
  const one = ms(t);
  console.log(`report of ${controlId} (${rows} entries, ${report.exceptions.length} exceptions): ${one.toFixed(0)} ms, ${Math.round(rows / (one / 1000))} entries/s; reading them alone ${read.toFixed(0)} ms (${(one / read).toFixed(1)}x)`);
  t = performance.now();
  const summary = await service.summary(anchor);
  console.log(`summary of ${summary.controls.length} controls: ${ms(t).toFixed(0)} ms`);

  // The offline verifier (noble, as in a browser) on the report bundle, against the same bundle without its report.
  const plain = planBundle(ledger, { period: '2026-Q3', controlId, system: 'payments-api-prod' }, period);
  const withReport = await withControlSection(ledger, planBundle(ledger, { period: '2026-Q3', controlId }, period));
  const text = (p: typeof plain) => JSON.parse([...bundleChunks(store, p)].join(''));
  const a = text(plain);
  const b = text(withReport);
  const key = ledger.key().verifierKey;
  t = performance.now();
  const okA = verifyBundle(undefined, a, key).ok;
  const vA = ms(t);
  t = performance.now();
  const okB = verifyBundle(undefined, b, key).ok;
  const vB = ms(t);
  console.log(`verify (noble): report bundle of ${b.entries.length} entries ${vB.toFixed(0)} ms (${okB}); filtered bundle of ${a.entries.length} entries without report ${vA.toFixed(0)} ms (${okA}); ${(vB / b.entries.length / (vA / a.entries.length)).toFixed(2)}x per entry`);
  ledger.close();
  store.close();
});
console.log('(2 shared cores, 7 engineers working on this machine: figures are indicative)');
