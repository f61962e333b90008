/**
 * What a `ledger` call costs before it does anything: `ledger --help` (which loads only the
 * command definitions; each command's implementation is imported when it runs, src/cli/*-run.ts)
 * beside Node starting with nothing and Node loading every command's implementation up front,
 * as main.ts did before. Rounds alternate, so the figures share the machine's load.
 *
 *   node scripts/build-once.mjs && node dist/scripts/bench-cli-start.js [--rounds 15]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, repoRoot } from './bench-common.js';

const DIST = path.join(repoRoot(), 'dist', 'src');
const CLI = path.join(DIST, 'cli', 'main.js');
/** Every module a command's action loads: what `ledger --help` paid for before the split. */
const IMPLEMENTATIONS = [
  'cli/service.js',
  'config.js',
  'cli/audit-run.js',
  'cli/restore-run.js',
  'cli/export-tiles-run.js',
  'cli/verify-run.js',
  'reports/index.js',
  'sdk/index.js',
  'witness/witness-state.js',
  'witness/witness-server.js',
];
const eagerScript = `${IMPLEMENTATIONS.map((m) => `await import(${JSON.stringify(path.join(DIST, m))});`).join('')}process.argv = [process.execPath, ${JSON.stringify(CLI)}, '--help'];await import(${JSON.stringify(CLI)});`;

const CASES: [string, string[]][] = [
  ['node, nothing loaded', ['-e', '']],
  ['ledger --help (lazy)', [CLI, '--help']],
  ['ledger verify --help (lazy)', [CLI, 'verify', '--help']],
  ['every implementation + --help (eager)', ['--input-type=module', '-e', eagerScript]],
];

/** Wall and CPU milliseconds of one run (CPU through /usr/bin/time where it exists). */
function once(args: string[]): { wall: number; cpu: number } {
  const time = existsSync('/usr/bin/time');
  const started = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = time ? (r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number).reduce((a, b) => a + b, 0) * 1000) : NaN;
  return { wall, cpu };
}

function main(): void {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
  const rounds = Number(values.rounds);
  const runs = CASES.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    CASES.forEach(([, args], i) => {
      const { wall, cpu } = once(args);
      runs[i]!.wall.push(wall);
      runs[i]!.cpu.push(cpu);
    });
  }
  const eager = percentile(runs[3]!.cpu, 50);
  console.log(`${rounds} rounds, medians (shared machine: absolute figures are noisy, read the ratios)`);
  console.log('                                          wall ms   CPU ms   CPU vs eager');
  CASES.forEach(([name], i) => {
    const wall = percentile(runs[i]!.wall, 50);
    const cpu = percentile(runs[i]!.cpu, 50);
    console.log(`  ${name.padEnd(40)}${wall.toFixed(0).padStart(7)}  ${cpu.toFixed(0).padStart(7)}   ${(cpu / eager).toFixed(2)}x`);
  });
}

main();
