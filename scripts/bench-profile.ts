/**
 * Profiles the ledger service under load: starts it with `--cpu-prof`, drives one scenario with
 * autocannon, stops it, and prints the functions with the most self time (the .cpuprofile is
 * kept for Chrome DevTools or speedscope).
 *
 *   npm run build && node dist/scripts/bench-profile.js [single|batch100|batch1000] [seconds] [connections]
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, withTempDir } from './bench-common.js';
import { benchRecord } from './bench-records.js';
import { load } from './bench-load.js';
import { startLedger } from './bench-http.js';

/** Functions listed in the summary. */
const TOP = 30;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Self time per function, largest first, as [label, percent of samples]. */
export function selfTimes(profile: Profile): [string, number][] {
  const byLabel = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
    const label = `${functionName || '(anonymous)'} ${file}`.trim();
    byLabel.set(label, (byLabel.get(label) ?? 0) + hits);
  }
  return [...byLabel.entries()].sort((a, b) => b[1] - a[1]).map(([label, hits]) => [label, (100 * hits) / Math.max(1, total)]);
}

async function main(): Promise<void> {
  const [scenario = 'single', secondsText = '10', connectionsText = '32'] = process.argv.slice(2);
  const batch = scenario === 'batch100' ? 100 : scenario === 'batch1000' ? 1000 : 0;
  const body = batch ? JSON.stringify({ records: Array.from({ length: batch }, (_, i) => benchRecord(i)) }) : JSON.stringify(benchRecord(0));
  const profileDir = path.join(cacheDir(), 'profiles');
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  await withTempDir(async (dir) => {
    const { server, headers } = await startLedger(dir, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    const r = await load({
      url: `${server.url}${batch ? '/v1/entries/batch' : '/v1/entries'}`,
      body,
      headers,
      connections: Number(connectionsText),
      durationSeconds: Number(secondsText),
    });
    await server.stop();
    console.log(`${scenario}: ${Math.round(r.requestsPerSecond)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, failures ${r.failures}`);
  });
  const file = readdirSync(profileDir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile was written');
  const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as Profile;
  console.log(`profile: ${path.join(profileDir, file)}`);
  for (const [label, percent] of selfTimes(profile).slice(0, TOP)) console.log(`${percent.toFixed(1).padStart(5)}%  ${label}`);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
