/**
 * Kills the leader of two instances on one PostgreSQL database many times under continuous
 * appends (failover-run.ts) and prints the figures, takeover times included, as one JSON object.
 *
 *   npm run build && node dist/scripts/failover-harness.js --database-url postgres://… --kills 20
 *
 * The database must be empty (a fresh one); it is left as it is for inspection. Exits 0 only
 * when every check passed.
 */
import { Command } from 'commander';
import { runFailoverHarness } from './failover-run.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${v}`);
  return n;
};

const opts = new Command()
  .name('failover-harness')
  .requiredOption('--database-url <url>', 'an empty PostgreSQL database (postgres://…)')
  .option('--kills <n>', 'leader kills', int, 10)
  .option('--writers <n>', 'concurrent writers', int, 4)
  .option('--seed <n>', 'seed of the random choices (default: time-based, printed)', int)
  .option('--min-run-ms <n>', 'shortest time under load before a kill', int, 500)
  .option('--max-run-ms <n>', 'longest time under load before a kill', int, 2000)
  .option('--checkpoint-interval-ms <n>', 'LEDGER_CHECKPOINT_INTERVAL_MS of both instances', int, 200)
  .option('--leader-poll-ms <n>', 'LEDGER_LEADER_POLL_MS of both instances', int, 1000)
  .parse()
  .opts<{ databaseUrl: string; kills: number; writers: number; seed?: number; minRunMs: number; maxRunMs: number; checkpointIntervalMs: number; leaderPollMs: number }>();

const seed = opts.seed ?? Date.now() % 2 ** 31;
process.stderr.write(`failover harness: ${opts.kills} kills, ${opts.writers} writers, seed ${seed}\n`);
const report = await runFailoverHarness({ ...opts, seed, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.findings.length) {
  process.stderr.write(`FAILED after ${report.kills} kills\n`);
  process.exit(1);
}
process.stderr.write(`passed: ${report.kills} leader kills, ${report.acknowledged} acknowledged requests, nothing lost\n`);
