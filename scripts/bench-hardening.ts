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

async function longReads(s: ServerProcess, writer: string, auditor: string): Promise<void> {
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
  console.log(`\n1. appends while ${BUNDLES} bundles stream (uncompressed, no filter, read as fast as possible)`);
  for (const b of done) console.log(`   bundle: ${b.status}, ${(b.bytes / MIB).toFixed(1)} MiB in ${fmt(b.ms)}`);
  console.log('                      appends  p50        p99        max');
  console.log(`   no bundle          ${String(quiet.length).padStart(7)}  ${fmt(percentile(quiet, 50)).padEnd(9)}  ${fmt(percentile(quiet, 99)).padEnd(9)}  ${fmt(Math.max(...quiet))}`);
  console.log(`   3 bundles          ${String(loaded.length).padStart(7)}  ${fmt(percentile(loaded, 50)).padEnd(9)}  ${fmt(percentile(loaded, 99)).padEnd(9)}  ${fmt(Math.max(...loaded))}`);
  console.log(`   ratio p99 loaded/quiet: ${(percentile(loaded, 99) / percentile(quiet, 99)).toFixed(2)}; GET /v1/checkpoint meanwhile: ${checkpoints.length} polls, max ${fmt(Math.max(...checkpoints))}`);
}

/** A batch body just under the 1 MiB limit: 1,000 records, each padded with a plain note. */
function megabyteBatch(first: number): Buffer {
  const records = Array.from({ length: 1000 }, (_, i) => ({ ...benchRecord(first + i), details: { note: 'evidence '.repeat(75) } }));
  return Buffer.from(JSON.stringify({ records }));
}

async function flood(s: ServerProcess, writer: string): Promise<void> {
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
  const accepted = answers.filter((a) => a.status === 201).map((a) => a.ms);
  const refusedWithRetry = answers.filter((a) => a.status === 503 && a.headers['retry-after'] !== undefined).length;
  console.log(`\n2. ${FLOOD_BODIES} concurrent batch bodies of ${(body.length / MIB).toFixed(2)} MiB (1,000 records each), in ${seconds.toFixed(1)} s`);
  console.log(`   answers: ${[...byStatus].map(([k, v]) => `${v} x ${k}`).join(', ')} (503 with Retry-After: ${refusedWithRetry})`);
  console.log(`   accepted batches: median ${fmt(percentile(accepted, 50))}, p99 ${fmt(percentile(accepted, 99))}`);
  console.log(`   server RSS: before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, after the flood ${afterFlood.toFixed(0)} MiB, 5 s later ${s.rssMiB().toFixed(0)} MiB`);
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '1e5' }, phases: { type: 'string', default: '1,2,3' } } });
  const phases = new Set(values.phases.split(','));
  const size = Number(values.size);
  const cached = cachedLogPath(size);
  await bulkLoad(cached, size, (line) => console.log(`   ${line}`));
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-hardening-'));
  try {
    const db = path.join(dir, 'ledger.db');
    copyFileSync(cached, db);
    const keyFile = path.join(dir, 'ledger.key');
    writeSigningKey(keyFile, benchSigner());
    const s = await startServer(ledgerCli(), ['serve'], {
      LEDGER_DB: db, LEDGER_KEY_FILE: keyFile, LEDGER_ORIGIN: BENCH_ORIGIN, LEDGER_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn',
    }, { readyPath: '/readyz' });
    try {
      const token = async (role: string) =>
        ((await postJson(`${s.url}/v1/tokens`, { role, source: `bench-${role}` }, { Authorization: `Bearer ${ADMIN}` })).body as { token: string }).token;
      const writer = await token('writer');
      const auditor = await token('auditor');
      console.log(`log of ${size.toLocaleString('en-US')} entries; server pid ${s.pid}, loopback; the machine is shared (2 cores, seven engineers at work): figures are noisy`);
      if (phases.has('1')) await longReads(s, writer, auditor);
      if (phases.has('2')) await flood(s, writer);
      if (phases.has('3')) await hostile(s, writer, auditor);
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
