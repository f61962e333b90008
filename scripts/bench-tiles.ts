/**
 * C2SP tlog-tiles at scale: a cached log of --size entries (default 1e6, built once by the bulk
 * loader through the ledger's own write path), then
 *  1. in-process reads through TileService, beside an inclusion proof (ProofService) as the
 *     baseline: the per-entry read the tiles replace;
 *  2. the real server in its own process under GET load (autocannon, 16 connections): full
 *     level-0 and level-1 hash tiles and entry bundles at random indexes, beside /v1/checkpoint
 *     (the smallest public answer) and /v1/proofs/inclusion;
 *  3. `ledger export-tiles` of the whole log, then a second run with nothing new.
 *
 *   npm run build && node dist/scripts/bench-tiles.js [--size 1e6] [--seconds 5]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { nodeCrypto } from '../src/crypto/node.js';
import { ProofService } from '../src/ledger/proofs.js';
import { TileService } from '../src/ledger/tiles.js';
import { formatSignerKey } from '../src/note/index.js';
import { Store } from '../src/store/index.js';
import { TILE_WIDTH, formatTileIndex, tilePath, type TileRef } from '../src/tiles/index.js';
import { BENCH_ORIGIN, benchSigner, percentile, parseSizes } from './bench-common.js';
import { random } from './bench-proofs.js';
import { ledgerCli, startServer } from './bench-server.js';
import { bulkLoad, cachedLogPath } from './bulk-load.js';

const SAMPLES = 2_000;
const WARMUP = 200;
const CONNECTIONS = 16;

interface AutocannonRequest {
  method: 'GET';
  setupRequest: (req: { path: string }) => { path: string };
}
type Autocannon = (opts: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
  requests: AutocannonRequest[];
  setupClient: (client: { on(event: 'response', fn: (status: number, bytes: number, ms: number) => void): void }) => void;
}) => Promise<{ errors: number; timeouts: number; non2xx: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function timed(count: number, call: (i: number) => unknown): { p50: number; p99: number } {
  for (let i = 0; i < WARMUP; i++) call(i);
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    call(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function getLoad(url: string, headers: Record<string, string>, seconds: number, nextPath: () => string) {
  const latencies: number[] = [];
  let bytes = 0;
  let ok = 0;
  const started = performance.now();
  const r = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath() }) }],
    setupClient: (client) =>
      client.on('response', (status, size, ms) => {
        if (status === 200) ok++;
        bytes += size;
        latencies.push(ms);
      }),
  });
  const elapsed = (performance.now() - started) / 1000;
  if (r.non2xx + r.errors + r.timeouts > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { rps: ok / elapsed, mbps: bytes / elapsed / 1e6, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1e6' }, seconds: { type: 'string', default: '5' } } });
  const size = parseSizes(values.size)[0]!;
  const seconds = Number(values.seconds);
  const file = cachedLogPath(size);
  await bulkLoad(file, size, (line) => process.stderr.write(`${line}\n`));
  const out: string[] = [`tlog-tiles on a log of ${size.toLocaleString('en-US')} entries (${file})`];
  const rnd = random(42);
  const fullLevel0 = Math.floor(size / TILE_WIDTH);
  const fullLevel1 = Math.floor(size / TILE_WIDTH ** 2);
  const pick = (n: number) => Math.floor(rnd() * n);

  // 1. In process.
  const store = Store.open(file, { readonly: true });
  try {
    const tiles = new TileService(store);
    const proofs = new ProofService(store, nodeCrypto);
    const latest = tiles.latest()!.treeSize;
    const read = (t: TileRef) => tiles.read(t, latest);
    const l0 = timed(SAMPLES, () => read({ kind: 'hash', level: 0, index: pick(fullLevel0), width: TILE_WIDTH }));
    const l1 = timed(SAMPLES, () => read({ kind: 'hash', level: 1, index: pick(fullLevel1), width: TILE_WIDTH }));
    const bundle = timed(SAMPLES / 4, () => read({ kind: 'entries', index: pick(fullLevel0), width: TILE_WIDTH }));
    const proof = timed(SAMPLES, () => proofs.inclusion(pick(latest), latest));
    out.push('in process (ms, p50 / p99), baseline an inclusion proof:');
    out.push(`  inclusion proof          ${proof.p50.toFixed(3)} / ${proof.p99.toFixed(3)}`);
    for (const [name, r] of [['level-0 tile (8 KiB)', l0], ['level-1 tile (8 KiB)', l1], ['entry bundle (256)', bundle]] as const) {
      out.push(`  ${name.padEnd(24)} ${r.p50.toFixed(3)} / ${r.p99.toFixed(3)}   ${(r.p50 / proof.p50).toFixed(2)}x the proof`);
    }
  } finally {
    store.close();
  }

  // 2. Over HTTP, the real server in its own process.
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-bench-tiles-'));
  try {
    const keyFile = path.join(dir, 'ledger.key');
    writeFileSync(keyFile, `${formatSignerKey(benchSigner())}\n`, { mode: 0o600 });
    const admin = randomBytes(32).toString('base64url');
    const server = await startServer(ledgerCli(), ['serve'], { LEDGER_DB: file, LEDGER_KEY_FILE: keyFile, LEDGER_ORIGIN: BENCH_ORIGIN, LEDGER_ADMIN_TOKEN: admin, LOG_LEVEL: 'warn' });
    try {
      const auth = { authorization: `Bearer ${admin}` };
      const scenarios: [string, Record<string, string>, () => string][] = [
        ['/v1/checkpoint', {}, () => '/v1/checkpoint'],
        ['/v1/proofs/inclusion', {}, () => `/v1/proofs/inclusion?index=${pick(size)}`],
        ['/tlog/tile/0/N (8 KiB)', {}, () => `/tlog/${tilePath({ kind: 'hash', level: 0, index: pick(fullLevel0), width: TILE_WIDTH })}`],
        ['/tlog/tile/1/N (8 KiB)', {}, () => `/tlog/tile/1/${formatTileIndex(pick(fullLevel1))}`],
        ['/tlog/tile/entries/N', { ...auth, 'accept-encoding': 'identity' }, () => `/tlog/tile/entries/${formatTileIndex(pick(fullLevel0))}`],
        ['/tlog/tile/entries/N gzip', { ...auth, 'accept-encoding': 'gzip' }, () => `/tlog/tile/entries/${formatTileIndex(pick(fullLevel0))}`],
      ];
      out.push(`HTTP, ${CONNECTIONS} connections, ${seconds} s each (req/s, MB/s, p50 / p99 ms), baseline /v1/checkpoint:`);
      let baseline = 0;
      for (const [name, headers, next] of scenarios) {
        const r = await getLoad(server.url, headers, seconds, next);
        if (baseline === 0) baseline = r.rps;
        out.push(`  ${name.padEnd(28)} ${Math.round(r.rps).toString().padStart(6)} req/s ${r.mbps.toFixed(1).padStart(6)} MB/s  ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms  ${(r.rps / baseline).toFixed(2)}x`);
      }
    } finally {
      await server.stop();
    }

    // 3. The static export, then the same again with nothing new.
    const mirror = path.join(dir, 'mirror');
    for (const run of ['first', 'second']) {
      const t = performance.now();
      const report = JSON.parse(execFileSync(process.execPath, [ledgerCli(), 'export-tiles', '--db', file, '--out', mirror, '--json'], { encoding: 'utf8' })) as { written: string[] };
      out.push(`export-tiles, ${run} run: ${report.written.length} files written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out.push('(figures from a 2-core machine shared with other work; compare ratios, not absolutes)');
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
