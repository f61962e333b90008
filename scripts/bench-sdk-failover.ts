/**
 * What the SDK's failover between instances costs a post, side by side in one run: a leader and
 * a follower on one log (the follower answers writes 503 not-leader naming the leader, as on a
 * shared PostgreSQL database; here both sit on one SQLite file with the leadership stood in, so
 * only the HTTP path is measured), each behind a real HTTP server on 127.0.0.1:
 *  - `[leader]`: the baseline;
 *  - `[follower, leader]`, one client: refused once, then it starts at the leader;
 *  - `[follower, leader]`, a new client per post: refused by the follower every time;
 *  - `[dead, leader]`, a new client per post: connection refused every time.
 * Posts are sequential and interleaved across the cases, so the machine's load hits each alike.
 *
 *   npm run build && node dist/scripts/bench-sdk-failover.js [posts]
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { nodeCrypto } from '../src/crypto/node.js';
import { createHandler } from '../src/http/app.js';
import { createLogger } from '../src/http/request-log.js';
import { generateToken } from '../src/http/tokens.js';
import { Ledger } from '../src/ledger/ledger.js';
import type { Leadership, LeaderTerm } from '../src/ledger/leadership.js';
import { LedgerClient, type EvidenceRecord } from '../src/sdk/index.js';
import { BENCH_SETTINGS, benchSigner, figure, openBenchLedger, percentile, withTempDir, type Figure } from './bench-common.js';

const POSTS = Number(process.argv[2] ?? 300);

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const record = (n: number): EvidenceRecord =>
  ({
    type: 'rotation',
    controlId: 'ITGC-AC-07',
    system: 'payments-api-prod',
    actor: { id: 'spiffe://corp/vault-rotator', kind: 'workload' },
    subject: { id: `svc-bench-${n}`, kind: 'service_account' },
    occurredAt: '2026-09-14T02:00:00Z',
    ticket: 'CHG-20931',
    credentialId: 'akid-7f3c',
    previousFingerprint: 'sha256:4b1e0c8f',
    newFingerprint: `sha256:9ac0${n.toString(16).padStart(8, '0')}`,
    nextRotationDue: '2026-12-13T02:00:00Z',
  }) as EvidenceRecord;

await withTempDir(async (dir) => {
  const { store, ledger } = openBenchLedger(path.join(dir, 'ledger.db'));
  const logger = createLogger('silent');
  const leader = await listen(createHandler({ ledger, logger }));
  const term: LeaderTerm = { term: 1, holder: 'leader', url: leader.url, startedAt: new Date().toISOString() };
  const leadership: Leadership = { backend: 'postgres', tryLead: () => undefined, currentLeader: () => term, onLeadershipLost: () => {} };
  const followerLedger = Ledger.open({ store, signer: benchSigner(), crypto: nodeCrypto, settings: BENCH_SETTINGS, role: 'follower', leadership });
  const follower = await listen(createHandler({ ledger: followerLedger, logger }));
  const gone = await listen(() => {});
  const dead = gone.url;
  await new Promise<void>((resolve) => gone.server.close(() => resolve()));
  const writer = generateToken('writer');
  store.tokens.add({ id: writer.id, hash: writer.hash, role: 'writer', source: 'bench', createdAt: new Date().toISOString(), expiresAt: null });

  const client = (url: string[]) => new LedgerClient({ url, token: writer.token });
  const warm = client([follower.url, leader.url]);
  const baseline = client([leader.url]);
  const cases: { name: string; post: (n: number) => Promise<unknown>; ms: number[] }[] = [
    { name: '[leader]', post: (n) => baseline.post(record(n)), ms: [] },
    { name: '[follower, leader], one client', post: (n) => warm.post(record(n)), ms: [] },
    { name: '[follower, leader], new client per post', post: (n) => client([follower.url, leader.url]).post(record(n)), ms: [] },
    { name: '[dead, leader], new client per post', post: (n) => client([dead, leader.url]).post(record(n)), ms: [] },
  ];
  let n = 0;
  for (let i = 0; i < POSTS; i++) {
    for (const c of cases) {
      const start = performance.now();
      await c.post(n++);
      c.ms.push(performance.now() - start);
    }
  }
  const base = cases[0]!;
  const figures: Figure[] = [];
  for (const p of [50, 99]) {
    for (const c of cases) {
      figures.push(figure({ suite: 'sdk-failover', name: `post p${p}, ${c.name}`, unit: 'ms', value: percentile(c.ms, p), baselineName: `p${p} ${base.name}`, baseline: percentile(base.ms, p) }));
    }
  }
  console.log(`SDK failover: ${POSTS} sequential posts per case, interleaved; 127.0.0.1, SQLite (2 shared cores, other engineers' work running)`);
  for (const f of figures) console.log(`${f.name.padEnd(52)} ${f.value.toFixed(2).padStart(8)} ${f.unit}   x${f.ratio.toFixed(2)} vs ${f.baselineName}`);
  console.log(`entries appended: ${store.log.size()} (expected ${POSTS * cases.length})`);
  for (const s of [leader.server, follower.server]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  followerLedger.close();
  ledger.close();
  store.close();
});
