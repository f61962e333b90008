/**
 * Kills the real server hundreds of times under concurrent writes and checks, after every
 * kill, that nothing acknowledged was lost and no signed checkpoint forked (see harness-run).
 *
 *   npx tsc -p tsconfig.build.json && node dist/scripts/crash-harness.js --cycles 500
 *
 * Exits 0 only when every cycle passed; prints the figures as one JSON object at the end.
 */
import { Command } from 'commander';
import { DEFAULT_HARNESS_OPTIONS, runCrashHarness } from './harness-run.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${v}`);
  return n;
};

const d = DEFAULT_HARNESS_OPTIONS;
const opts = new Command()
  .name('crash-harness')
  .option('--cycles <n>', 'kill/restart cycles', int, 500)
  .option('--writers <n>', 'concurrent writers', int, d.writers)
  .option('--seed <n>', 'seed of the random choices (default: time-based, printed)', int)
  .option('--min-run-ms <n>', 'shortest server life before the kill', int, d.minRunMs)
  .option('--max-run-ms <n>', 'longest server life before the kill', int, d.maxRunMs)
  .option('--startup-kill-percent <n>', 'percent of cycles killed during start-up', int, Math.round(d.startupKillShare * 100))
  .option('--on-ack-kill-percent <n>', 'percent of the other cycles killed at an acknowledgement', int, Math.round(d.onAckKillShare * 100))
  .option('--audit-every <n>', 'run the ledger audit every n cycles (0: never)', int, d.auditEvery)
  .option('--checkpoint-interval-ms <n>', 'LEDGER_CHECKPOINT_INTERVAL_MS of the server', int, d.checkpointIntervalMs)
  .option('--keep', 'keep the temporary database folder')
  .option('--quiet', 'no line per cycle')
  .parse()
  .opts<{
    cycles: number; writers: number; seed?: number; minRunMs: number; maxRunMs: number; startupKillPercent: number; onAckKillPercent: number;
    auditEvery: number; checkpointIntervalMs: number; keep?: boolean; quiet?: boolean;
  }>();

const seed = opts.seed ?? (Date.now() % 2 ** 31);
process.stderr.write(`crash harness: ${opts.cycles} cycles, ${opts.writers} writers, seed ${seed}\n`);
const report = await runCrashHarness({
  cycles: opts.cycles,
  writers: opts.writers,
  seed,
  minRunMs: opts.minRunMs,
  maxRunMs: opts.maxRunMs,
  startupKillShare: opts.startupKillPercent / 100,
  onAckKillShare: opts.onAckKillPercent / 100,
  auditEvery: opts.auditEvery,
  checkpointIntervalMs: opts.checkpointIntervalMs,
  keepDir: opts.keep ?? false,
  log: opts.quiet ? () => {} : (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.findings.length) {
  process.stderr.write(`FAILED after ${report.cycles} cycles; database kept in ${report.dir}\n`);
  process.exit(1);
}
process.stderr.write(`passed: ${report.cycles} kill/restart cycles, ${report.acknowledged} acknowledged requests, nothing lost\n`);
