/**
 * Suites 4 and 5 over several log sizes: builds (or reuses) each cached log, measures proofs and
 * memory in a fresh process per size, and the service's start-up on the largest log. Memory and
 * Ledger.open are compared with a log of 1,000 entries, so growth with the log shows as a ratio.
 */
import { bulkLoad, cachedLogPath } from './bulk-load.js';
import { figure, sizeLabel, type Figure } from './bench-common.js';
import { measureProofsInChild, type ProofRun } from './bench-proofs.js';
import { measureStartup } from './bench-startup.js';

/** The reference log: small enough to build in a second, big enough to have a real tree. */
const REFERENCE_SIZE = 1_000;
/** The targets. */
export const PROOF_P99_TARGET_MS = 2;
export const STARTUP_TARGET_MS = 1_000;

export interface ScaleOptions {
  sizes: number[];
  samples: number;
}

async function ensureLog(size: number, notes: string[]): Promise<string> {
  const file = cachedLogPath(size);
  const r = await bulkLoad(file, size, (line) => process.stderr.write(`${line}\n`));
  if (r.appended > 0) notes.push(`built ${file}: ${r.appended} entries in ${r.seconds.toFixed(0)} s (${Math.round(r.recordsPerSecond)} records/s via Ledger.append)`);
  return file;
}

export async function benchProofs(opts: ScaleOptions, notes: string[]): Promise<Figure[]> {
  const suite = 'proofs';
  const reference = await measureProofsInChild(await ensureLog(REFERENCE_SIZE, notes), opts.samples);
  const figures: Figure[] = [];
  for (const size of opts.sizes) {
    const run = await measureProofsInChild(await ensureLog(size, notes), opts.samples);
    notes.push(`proofs at ${sizeLabel(size)}: open ${run.openMs.toFixed(1)} ms; memory after open ${describeMemory(run.afterOpen)}, after ${2 * opts.samples} proofs ${describeMemory(run.afterProofs)}`);
    figures.push(...proofFigures(suite, run, reference));
  }
  return figures;
}

function describeMemory(m: ProofRun['afterOpen']): string {
  return `RSS ${m.rssMiB.toFixed(0)} MiB (anon ${m.anonMiB.toFixed(0)}, file ${m.fileMiB.toFixed(0)})`;
}

function proofFigures(suite: string, run: ProofRun, reference: ProofRun): Figure[] {
  const at = `${sizeLabel(run.size)} entries`;
  const reads = 'the same node reads as raw SELECTs';
  const p99Target = { target: `p99 < ${PROOF_P99_TARGET_MS} ms` };
  return [
    figure({ suite, name: `inclusion proof p50, ${at}`, unit: 'ms', value: run.inclusion.p50Ms, baselineName: reads, baseline: run.inclusionReads.p50Ms }),
    figure({ suite, name: `inclusion proof p99, ${at}`, unit: 'ms', value: run.inclusion.p99Ms, baselineName: reads, baseline: run.inclusionReads.p99Ms, ...p99Target, met: run.inclusion.p99Ms < PROOF_P99_TARGET_MS }),
    figure({ suite, name: `consistency proof p50, ${at}`, unit: 'ms', value: run.consistency.p50Ms, baselineName: reads, baseline: run.consistencyReads.p50Ms }),
    figure({ suite, name: `consistency proof p99, ${at}`, unit: 'ms', value: run.consistency.p99Ms, baselineName: reads, baseline: run.consistencyReads.p99Ms, ...p99Target, met: run.consistency.p99Ms < PROOF_P99_TARGET_MS }),
    figure({
      suite,
      name: `process RSS after ${(run.inclusion.samples + run.consistency.samples).toLocaleString('en-US')} proofs, ${at}`,
      unit: 'MiB',
      value: run.afterProofs.rssMiB,
      baselineName: `same at ${sizeLabel(reference.size)} entries`,
      baseline: reference.afterProofs.rssMiB,
      target: 'flat (ratio ~1)',
    }),
    figure({ suite, name: `Ledger.open, ${at}`, unit: 'ms', value: run.openMs, baselineName: `same at ${sizeLabel(reference.size)} entries`, baseline: reference.openMs }),
  ];
}

export async function benchStartup(opts: ScaleOptions, notes: string[]): Promise<Figure[]> {
  const suite = 'startup';
  const largest = Math.max(...opts.sizes);
  const file = await ensureLog(largest, notes);
  const empty = await measureStartup(undefined);
  // The first start after a build may find the log outside the OS page cache; report both.
  const cold = await measureStartup(file);
  const warm = await measureStartup(file);
  notes.push(`start-up at ${sizeLabel(largest)}: first ${cold.firstRequestMs.toFixed(0)} ms, then ${warm.firstRequestMs.toFixed(0)} ms to the first answer; first proof at ${warm.firstProofMs.toFixed(0)} ms`);
  const baselineName = 'same service on an empty database';
  const met = (ms: number) => ({ target: `< ${STARTUP_TARGET_MS} ms`, met: ms < STARTUP_TARGET_MS });
  return [
    figure({ suite, name: `spawn to first answered request, ${sizeLabel(largest)} entries`, unit: 'ms', value: warm.firstRequestMs, baselineName, baseline: empty.firstRequestMs, ...met(warm.firstRequestMs) }),
    figure({ suite, name: `spawn to first inclusion proof, ${sizeLabel(largest)} entries`, unit: 'ms', value: warm.firstProofMs, baselineName, baseline: empty.firstProofMs, ...met(warm.firstProofMs) }),
  ];
}
