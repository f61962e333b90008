/**
 * `npm run bench`: every benchmark of issue 6, each figure beside its baseline measured in the
 * same run, printed as a Markdown table and then as JSON.
 *
 *   npm run bench                                  all suites, logs of 1e5 and 1e6 entries
 *   npm run bench -- --sizes 1e5,1e6,1e7           also 1e7 (built once into .bench-cache/, slow)
 *   npm run bench -- --only http,batch --quick     some suites, shorter runs
 *
 * Suites: http, batch, sequencer, proofs, startup, audit, checkpoint, screening.
 */
import { parseArgs } from 'node:util';
import { parseSizes, type Figure } from './bench-common.js';
import { report, machine } from './bench-report.js';
import { benchSequencer } from './bench-sequencer.js';
import { benchHttp, type HttpOptions } from './bench-http.js';
import { benchProofs, benchStartup } from './bench-scale.js';
import { benchAudit } from './bench-audit.js';
import { benchCheckpoint } from './bench-checkpoint.js';
import { benchScreening } from './bench-screening.js';
import { bulkLoad, cachedLogPath } from './bulk-load.js';

export const SUITES = ['http', 'batch', 'sequencer', 'proofs', 'startup', 'audit', 'checkpoint', 'screening'] as const;
export type Suite = (typeof SUITES)[number];

/** Log sizes for proofs and start-up unless told otherwise; 1e7 takes a long build the first time. */
const DEFAULT_SIZES = '1e5,1e6';

export interface BenchPlan {
  suites: Suite[];
  sizes: number[];
  quick: boolean;
}

export function parsePlan(argv: string[]): BenchPlan {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      sizes: { type: 'string', default: DEFAULT_SIZES },
      quick: { type: 'boolean', default: false },
    },
  });
  const suites = values.only ? values.only.split(',').map((s) => s.trim()) : [...SUITES];
  const known: readonly string[] = SUITES;
  for (const s of suites) if (!known.includes(s)) throw new Error(`unknown suite ${s}; one of ${known.join(', ')}`);
  return { suites: suites as Suite[], sizes: parseSizes(values.sizes), quick: values.quick };
}

export async function runSuite(suite: Suite, plan: BenchPlan, notes: string[]): Promise<Figure[]> {
  const http: HttpOptions = {
    concurrency: [1, 16, 64],
    batchSizes: [100, 1000],
    batchConnections: 4,
    warmupSeconds: plan.quick ? 1 : 2,
    seconds: plan.quick ? 2 : 10,
  };
  switch (suite) {
    case 'http':
    case 'batch':
      return benchHttp(suite, http, notes);
    case 'sequencer':
      return benchSequencer({ records: plan.quick ? 20_000 : 100_000 });
    case 'proofs':
      return benchProofs({ sizes: plan.sizes, samples: plan.quick ? 2_000 : 20_000 }, notes);
    case 'startup':
      return benchStartup({ sizes: plan.sizes, samples: 0 }, notes);
    case 'audit': {
      // The smallest planned log: the audit reads every entry, so its time grows with the log.
      const size = Math.min(...plan.sizes);
      const file = cachedLogPath(size);
      await bulkLoad(file, size, (line) => process.stderr.write(`${line}\n`));
      return benchAudit(file, notes);
    }
    case 'checkpoint':
      return benchCheckpoint({ measureMs: plan.quick ? 300 : 2_000, cadenceSteps: plan.quick ? 50 : 500 });
    case 'screening':
      return benchScreening({ records: plan.quick ? 2_000 : 20_000 });
  }
}

async function main(): Promise<void> {
  const plan = parsePlan(process.argv.slice(2));
  const startedAt = new Date();
  const m = machine();
  process.stderr.write(`bench: ${plan.suites.join(', ')}; sizes ${plan.sizes.join(', ')}; node ${m.node}, ${m.cores} x ${m.cpu}, load ${m.loadAverage}\n`);
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const suite of plan.suites) {
    const started = performance.now();
    process.stderr.write(`bench: ${suite} ...\n`);
    figures.push(...(await runSuite(suite, plan, notes)));
    process.stderr.write(`bench: ${suite} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const { table, json } = report(figures, notes, startedAt, m);
  console.log(table);
  console.log();
  console.log(json);
}

await main();
