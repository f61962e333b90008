/**
 * The outside testing of issue 13, re-measured against the real server (a child process, on
 * loopback, bounded in count and time):
 *
 *   1. append latency while three unfiltered, uncompressed bundles of a 100,000-entry log are
 *      read as fast as possible (target p99 < 50 ms), beside the same appends with no bundle;
 *   2. the server's RSS under 300 concurrent 1 MiB batch bodies (target < 400 MB at any time),
 *      and how many were accepted or refused with 503 + Retry-After;
 *   3. a hostile-input run: every 5xx answer counted and listed (target: none that is the
 *      client's fault; 503 back-pressure and 501 for an unsupported transfer coding are named).
 *
 * Phases 1 and 2 run on one server each for the node flags `npm start` uses
 * (--max-semi-space-size=4) and for node's defaults, in that order on one server per flag set
 * (phase 2 after phase 1, as a long-running service meets a flood with its caches already full),
 * and print side by side.
 *
 *   node scripts/build-once.mjs && node dist/scripts/bench-hardening.js [--size 1e5] [--phases 1,2,3]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeSigningKey } from '../src/ledger/signing-key.js';
import { BENCH_ORIGIN, benchSigner, percentile } from './bench-common.js';
import { benchRecord } from './bench-records.js';
import { bulkLoad, cachedLogPath } from './bulk-load.js';
import { ledgerCli, postJson, startServer, type ServerProcess } from './bench-server.js';

const ADMIN = 'bench-hardening-admin-token-0123456789abcdef';
const BUNDLES = 3;
const FLOOD_BODIES = 300;
const MIB = 1024 * 1024;

interface Answer { status: number; headers: IncomingHttpHeaders; body: string; ms: number }

function send(url: string, method: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads a whole answer as fast as the socket gives it, keeping only its length. */
function drain(url: string, headers: Record<string, string>): Promise<{ bytes: number; ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ bytes, ms: performance.now() - started, status: res.statusCode ?? 0 }));
    }).on('error', reject).end();
  });
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function appendLatencies(url: string, writer: string, keepGoing: () => boolean, minCount: number, first: number): Promise<number[]> {
  const out: number[] = [];
  for (let n = first; keepGoing() || out.length < minCount; n++) {
    const a = await send(`${url}/v1/entries`, 'POST', { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' }, JSON.stringify(benchRecord(n)));
    if (a.status !== 201) throw new Error(`append answered ${a.status}: ${a.body}`);
    out.push(a.ms);
  }
  return out;
}

interface LongReadFigures { quiet: number[]; loaded: number[]; bundles: { bytes: number; ms: number; status: number }[]; checkpoints: number[] }

async function longReads(s: ServerProcess, writer: string, auditor: string): Promise<LongReadFigures> {
  const quiet = await appendLatencies(s.url, writer, () => false, 200, 10_000_000);
  let running = BUNDLES;
  const bundles = Array.from({ length: BUNDLES }, () =>
    drain(`${s.url}/v1/bundles`, { Authorization: `Bearer ${auditor}` }).finally(() => running--),
  );
  const checkpoints: number[] = [];
  const polling = (async () => {
    while (running > 0) {
      checkpoints.push((await send(`${s.url}/v1/checkpoint`, 'GET', {})).ms);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const loaded = await appendLatencies(s.url, writer, () => running > 0, 1, 20_000_000);
  const done = await Promise.all(bundles);
  await polling;
  return { quiet, loaded, bundles: done, checkpoints };
}

function printLongReads(runs: [string, LongReadFigures][]): void {
  console.log(`\n1. appends while ${BUNDLES} bundles stream (uncompressed, no filter, read as fast as possible)`);
  console.log(`   ${'server'.padEnd(CONFIG_WIDTH)}  ${'bundles'.padEnd(9)}  appends  p50        p99        max        bundle time   checkpoint max`);
  for (const [name, r] of runs) {
    const bundle = Math.max(...r.bundles.map((b) => b.ms));
    const statuses = [...new Set(r.bundles.map((b) => b.status))].join(',');
    for (const [label, xs] of [['none', r.quiet], [`${BUNDLES} (${statuses})`, r.loaded]] as const) {
      const streaming = label !== 'none';
      console.log(`   ${name.padEnd(CONFIG_WIDTH)}  ${label.padEnd(9)}  ${String(xs.length).padStart(7)}  ${fmt(percentile(xs, 50)).padEnd(9)}  ${fmt(percentile(xs, 99)).padEnd(9)}  ${fmt(Math.max(...xs)).padEnd(9)}  ${streaming ? fmt(bundle).padEnd(12) : ''.padEnd(12)}  ${streaming ? fmt(Math.max(...r.checkpoints)) : ''}`);
    }
  }
  const [first, second] = runs;
  if (first && second) {
    const [a, b] = [first[1], second[1]];
    console.log(`   ratio (first/second): loaded p99 ${(percentile(a.loaded, 99) / percentile(b.loaded, 99)).toFixed(2)}, bundle time ${(Math.max(...a.bundles.map((x) => x.ms)) / Math.max(...b.bundles.map((x) => x.ms))).toFixed(2)}`);
  }
  console.log(`   (${(runs[0]![1].bundles[0]!.bytes / MIB).toFixed(1)} MiB per bundle)`);
}

/** A batch body just under the 1 MiB limit: 1,000 records, each padded with a plain note. */
function megabyteBatch(first: number): Buffer {
  const records = Array.from({ length: 1000 }, (_, i) => ({ ...benchRecord(first + i), details: { note: 'evidence '.repeat(75) } }));
  return Buffer.from(JSON.stringify({ records }));
}

interface FloodFigures {
  bodyBytes: number;
  seconds: number;
  byStatus: Map<number, number>;
  accepted: number[];
  refusedWithRetry: number;
  rss: { before: number; peak: number; afterFlood: number; later: number };
}

async function flood(s: ServerProcess, writer: string): Promise<FloodFigures> {
  const body = megabyteBatch(30_000_000);
  const before = s.rssMiB();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, s.rssMiB());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: FLOOD_BODIES }, () =>
      send(`${s.url}/v1/entries/batch`, 'POST', { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length) }, body),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const afterFlood = s.rssMiB();
  await new Promise((r) => setTimeout(r, 5000));
  sampling = false;
  await sampler;
  const byStatus = new Map<number, number>();
  for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
  return {
    bodyBytes: body.length,
    seconds,
    byStatus,
    accepted: answers.filter((a) => a.status === 201).map((a) => a.ms),
    refusedWithRetry: answers.filter((a) => a.status === 503 && a.headers['retry-after'] !== undefined).length,
    rss: { before, peak, afterFlood, later: s.rssMiB() },
  };
}

function printFloods(runs: [string, FloodFigures][]): void {
  console.log(`\n2. ${FLOOD_BODIES} concurrent batch bodies of ${(runs[0]![1].bodyBytes / MIB).toFixed(2)} MiB (1,000 records each); target: RSS < 400 MB (381 MiB)`);
  console.log(`   ${'server'.padEnd(CONFIG_WIDTH)}  answers                  accepted p50 / p99       RSS before  peak      after     5 s later`);
  for (const [name, f] of runs) {
    const answers = [...f.byStatus].map(([k, v]) => `${v} x ${k}`).join(', ');
    const mib = (x: number) => `${x.toFixed(0)} MiB`.padEnd(8);
    console.log(`   ${name.padEnd(CONFIG_WIDTH)}  ${answers.padEnd(23)}  ${`${fmt(percentile(f.accepted, 50))} / ${fmt(percentile(f.accepted, 99))}`.padEnd(23)}  ${mib(f.rss.before)}    ${mib(f.rss.peak)}  ${mib(f.rss.afterFlood)}  ${mib(f.rss.later)}`);
    if (f.refusedWithRetry !== (f.byStatus.get(503) ?? 0)) console.log(`   ! ${name}: a 503 without Retry-After`);
  }
  const [first, second] = runs;
  if (first && second) {
    const [a, b] = [first[1], second[1]];
    console.log(`   ratio (first/second): peak RSS ${(a.rss.peak / b.rss.peak).toFixed(2)}, accepted p50 ${(percentile(a.accepted, 50) / percentile(b.accepted, 50)).toFixed(2)}`);
  }
}

/** Raw bytes on a socket, for what an HTTP client would not send. */
function raw(url: string, text: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(text));
    let out = '';
    socket.setEncoding('utf8').on('data', (d: string) => (out += d)).on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0))).on('error', () => resolve(0));
  });
}

async function hostile(s: ServerProcess, writer: string, auditor: string): Promise<void> {
  const u = s.url;
  const w = { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' };
  const a = { Authorization: `Bearer ${auditor}` };
  const good = JSON.stringify(benchRecord(40_000_000));
  const withNumber = (n: string) => good.replace('{"type"', `{"details":{"n":${n}},"type"`);
  const cases: [string, () => Promise<number>][] = [];
  const get = (path: string, h: Record<string, string> = a) => async () => (await send(`${u}${path}`, 'GET', h)).status;
  const post = (path: string, body: string, h: Record<string, string> = w) => async () => (await send(`${u}${path}`, 'POST', h, body)).status;
  for (const id of ['FY9999', '9999-12', '9999-Q4', '9999-12-31', 'FY0000', '1969-12', '2026-13', '2026-Q5', 'FY20260', '%00', '..', 'x'.repeat(5000)]) {
    cases.push([`period ${id.slice(0, 20)}`, get(`/v1/periods/${encodeURIComponent(id)}`)]);
    cases.push([`bundle period ${id.slice(0, 20)}`, get(`/v1/bundles?period=${encodeURIComponent(id)}`)]);
  }
  for (const n of ['1e-400', '-0', '-0.0', '9007199254740993', '1e400', '-1e400', '0.1000000000000000055511151231257827', '1' + '0'.repeat(400)]) {
    cases.push([`number ${n.slice(0, 20)}`, post('/v1/entries', withNumber(n))]);
  }
  for (const t of ['9999-12-31T23:00:00-02:00', '0000-01-01T00:00:00+01:00', '2026-02-30T00:00:00Z', 'now', '']) {
    cases.push([`listing from=${t}`, get(`/v1/entries?from=${encodeURIComponent(t)}`)]);
  }
  for (const route of ['/v1/checkpoint', '/v1/key', '/healthz', '/readyz', '/v1/proofs/consistency?from=1&to=2', '/v1/proofs/inclusion?index=0', '/v1/entries/0', '/v1/periods', '/v1/bundles', '/v1/entries/0/tlog-proof']) {
    cases.push([`unknown param ${route}`, get(`${route}${route.includes('?') ? '&' : '?'}bogus=1`)]);
  }
  for (const idx of ['-1', '1e3', '0x10', '9007199254740992', '99999999999999999999', '%20', '1.0', 'NaN']) {
    cases.push([`index ${idx}`, get(`/v1/entries/${idx}`)]);
    cases.push([`inclusion ${idx}`, get(`/v1/proofs/inclusion?index=${idx}`, {})]);
    cases.push([`consistency ${idx}`, get(`/v1/proofs/consistency?from=1&to=${idx}`, {})]);
    cases.push([`checkpoint ${idx}`, get(`/v1/checkpoints/${idx}`, {})]);
  }
  for (const body of ['', '{', '[]', 'null', '"x"', '{"type":"rotation"}', '\ufeff{}', '{"a":1,"a":2}', '['.repeat(10_000), JSON.stringify({ records: [] }), good.replace('"rotation"', '"\\ud800"')]) {
    cases.push([`body ${body.slice(0, 16)}`, post('/v1/entries', body)]);
    cases.push([`batch body ${body.slice(0, 16)}`, post('/v1/entries/batch', body)]);
  }
  for (const [name, h] of [
    ['text/plain', { ...w, 'Content-Type': 'text/plain' }],
    ['latin1', { ...w, 'Content-Type': 'application/json; charset=latin1' }],
    ['gzip coding', { ...w, 'Content-Encoding': 'gzip' }],
    ['bad idempotency key', { ...w, 'Idempotency-Key': 'has space' }],
    ['long authorization', { ...w, Authorization: `Bearer ${'a'.repeat(10_000)}` }],
    ['basic auth', { ...w, Authorization: 'Basic dXNlcjpwYXNz' }],
  ] as const) cases.push([`header ${name}`, post('/v1/entries', good, h)]);
  cases.push(['token expiry year 10000', post('/v1/tokens', JSON.stringify({ role: 'writer', source: 's', expiresAt: '9999-12-31T23:59:59-05:00' }), { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' })]);
  cases.push(['token bad role', post('/v1/tokens', JSON.stringify({ role: 'root', source: 's' }), { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' })]);
  const host = 'Host: x\r\nConnection: close\r\n';
  cases.push(['duplicate Authorization', () => raw(u, `POST /v1/entries HTTP/1.1\r\n${host}Authorization: Bearer ${writer}\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(good)}\r\n\r\n${good}`)]);
  cases.push(['Transfer-Encoding gzip, chunked', () => raw(u, `POST /v1/entries HTTP/1.1\r\n${host}Authorization: Bearer ${writer}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${Buffer.byteLength(good).toString(16)}\r\n${good}\r\n0\r\n\r\n`)]);
  cases.push(['script in path', () => raw(u, `GET /v1/<script>alert(1)</script> HTTP/1.1\r\n${host}\r\n`)]);
  cases.push(['smuggling CL+TE', () => raw(u, `POST /v1/entries HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)]);
  cases.push(['absolute-form target', () => raw(u, `GET http://evil.example/v1/key HTTP/1.1\r\n${host}\r\n`)]);
  cases.push(['long target', () => raw(u, `GET /v1/entries?${'a=1&'.repeat(4000)} HTTP/1.1\r\n${host}Authorization: Bearer ${auditor}\r\n\r\n`)]);

  const fivexx: string[] = [];
  const byStatus = new Map<number, number>();
  for (const [name, run] of cases) {
    const status = await run();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status >= 500) fivexx.push(`${name}: ${status}`);
  }
  console.log(`\n3. hostile run: ${cases.length} requests`);
  console.log(`   answers: ${[...byStatus].sort(([x], [y]) => x - y).map(([k, v]) => `${v} x ${k}`).join(', ')}`);
  console.log(`   5xx: ${fivexx.length ? fivexx.join('; ') : 'none'}`);
}

/** The server's node flags: as `npm start` runs it, and node's defaults for comparison. */
const CONFIGS: [string, string[]][] = [
  ['npm start (semi-space 4 MiB)', ['--max-semi-space-size=4']],
  ['node defaults', []],
];
const CONFIG_WIDTH = Math.max(...CONFIGS.map(([name]) => name.length));

interface Session { s: ServerProcess; writer: string; auditor: string }

/** A server on a fresh copy of the cached log, with a writer and an auditor token; stopped and removed after `work`. */
async function withServer<T>(cached: string, nodeArgs: string[], work: (session: Session) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-hardening-'));
  try {
    const db = path.join(dir, 'ledger.db');
    copyFileSync(cached, db);
    const keyFile = path.join(dir, 'ledger.key');
    writeSigningKey(keyFile, benchSigner());
    const s = await startServer(ledgerCli(), ['serve'], {
      LEDGER_DB: db, LEDGER_KEY_FILE: keyFile, LEDGER_ORIGIN: BENCH_ORIGIN, LEDGER_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
    }, { readyPath: '/readyz', nodeArgs });
    try {
      const token = async (role: string) =>
        ((await postJson(`${s.url}/v1/tokens`, { role, source: `bench-${role}` }, { Authorization: `Bearer ${ADMIN}` })).body as { token: string }).token;
      return await work({ s, writer: await token('writer'), auditor: await token('auditor') });
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1e5' }, phases: { type: 'string', default: '1,2,3' } } });
  const phases = new Set(values.phases.split(','));
  const size = Number(values.size);
  const cached = cachedLogPath(size);
  await bulkLoad(cached, size, (line) => console.log(`   ${line}`));
  console.log(`log of ${size.toLocaleString('en-US')} entries; servers on loopback, one per flag set; the machine is shared (2 cores): figures are noisy`);
  const longReadRuns: [string, LongReadFigures][] = [];
  const floodRuns: [string, FloodFigures][] = [];
  for (const [name, nodeArgs] of CONFIGS) {
    if (!phases.has('1') && !phases.has('2')) break;
    await withServer(cached, nodeArgs, async ({ s, writer, auditor }) => {
      if (phases.has('1')) longReadRuns.push([name, await longReads(s, writer, auditor)]);
      if (phases.has('2')) floodRuns.push([name, await flood(s, writer)]);
    });
  }
  if (longReadRuns.length) printLongReads(longReadRuns);
  if (floodRuns.length) printFloods(floodRuns);
  if (phases.has('3')) await withServer(cached, CONFIGS[0]![1], ({ s, writer, auditor }) => hostile(s, writer, auditor));
}

await main();
