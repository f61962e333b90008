/**
 * What the metrics hooks cost an append, side by side in one run:
 *  1. the hooks alone (appendDone + the group-commit observer), nanoseconds per call, against an
 *     empty function called the same way;
 *  2. appends through the real path (answerAppend: prepare, sequence, durable group commit,
 *     answer text) on two ledgers, one with metrics and one without, in alternating rounds of
 *     `--concurrency` appends in flight: CPU microseconds and wall time per append.
 *
 *   npm run build && node dist/scripts/bench-metrics.js [--rounds 6] [--appends 20000] [--concurrency 200]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerAppend } from '../src/http/append.js';
import { inlinePreparer } from '../src/http/prepare-pool.js';
import { createMetrics, type Metrics } from '../src/metrics/metrics.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { benchRecord } from './bench-records.js';
import { openBenchLedger, withTempDir } from './bench-common.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    appends: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '200' },
  },
});
const ROUNDS = Number(values.rounds);
const APPENDS = Number(values.appends);
const CONCURRENCY = Number(values.concurrency);

function hookNanos(metrics: Metrics | undefined, calls: number): number {
  const types = ['rotation'];
  const empty = (_k: string, _r: string, _t: readonly string[], _s: number) => {};
  const call = metrics ? metrics.appendDone.bind(metrics) : empty;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call('entry', 'created', types, 0.001);
  return Number(process.hrtime.bigint() - start) / calls;
}

const bodies = Array.from({ length: 1000 }, (_, i) => new TextEncoder().encode(JSON.stringify(benchRecord(i))));

async function appendRound(ledger: Ledger, metrics: Metrics | undefined): Promise<{ cpuMicros: number; wallMicros: number }> {
  const preparer = inlinePreparer();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < APPENDS) {
      const i = next++;
      await answerAppend(ledger, preparer, 'bench-writer', bodies[i % bodies.length], 'entry', undefined, undefined, metrics);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wall = Number(process.hrtime.bigint() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuMicros: (used.user + used.system) / APPENDS, wallMicros: wall / APPENDS };
}

await withTempDir(async (dir) => {
  const plain = openBenchLedger(path.join(dir, 'plain.db'));
  const measured = openBenchLedger(path.join(dir, 'measured.db'));
  const metrics = createMetrics(measured.ledger, { processMetrics: false });

  for (let i = 0; i < 3; i++) hookNanos(metrics, 200_000), hookNanos(undefined, 200_000);
  const hook = hookNanos(metrics, 1_000_000);
  const noop = hookNanos(undefined, 1_000_000);

  await appendRound(plain.ledger, undefined); // warm-up, both
  await appendRound(measured.ledger, metrics);
  const without: { cpuMicros: number; wallMicros: number }[] = [];
  const withM: { cpuMicros: number; wallMicros: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so drift in the machine's load falls on both.
    if (r % 2 === 0) {
      without.push(await appendRound(plain.ledger, undefined));
      withM.push(await appendRound(measured.ledger, metrics));
    } else {
      withM.push(await appendRound(measured.ledger, metrics));
      without.push(await appendRound(plain.ledger, undefined));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpuWithout = median(without.map((x) => x.cpuMicros));
  const cpuWith = median(withM.map((x) => x.cpuMicros));
  const wallWithout = median(without.map((x) => x.wallMicros));
  const wallWith = median(withM.map((x) => x.wallMicros));
  const rows = [
    ['appendDone hook, ns per call', hook.toFixed(0), noop.toFixed(0), (hook / noop).toFixed(2)],
    ['append CPU, µs per append', cpuWith.toFixed(1), cpuWithout.toFixed(1), (cpuWith / cpuWithout).toFixed(3)],
    ['append wall, µs per append', wallWith.toFixed(1), wallWithout.toFixed(1), (wallWith / wallWithout).toFixed(3)],
  ];
  console.log(`| figure | with metrics | without | ratio |\n|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`(${ROUNDS} rounds of ${APPENDS} single-record appends, ${CONCURRENCY} in flight, medians; appended ${plain.ledger.size} and ${measured.ledger.size})`);
  plain.ledger.close();
  plain.store.close();
  measured.ledger.close();
  measured.store.close();
});
