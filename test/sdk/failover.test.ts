/**
 * The SDK given several instances of one log, against small real HTTP servers on port 0 that
 * answer as a PostgreSQL leader and its followers do: a write goes to the leader a `not-leader`
 * answer names only when that URL is a configured instance (an outside one receives nothing, not
 * even a connection), else to the next one; a dead instance (connection refused) is skipped; the
 * same body and Idempotency-Key reach every instance, so a post lands once; the instance that
 * accepted a write is where the next request starts; and the attempts stay bounded, waiting
 * Retry-After between rounds of the instances.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LedgerApiError, LedgerClient, LedgerNetworkError, NOT_LEADER_TYPE, backoffPolicy, type EvidenceRecord } from '../../src/sdk/index.js';
import { endpointKey } from '../../src/sdk/endpoints.js';
import { rotation } from '../support/ledger.js';

interface Request {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Close the connection without answering (after the instance did its work). */
  drop?: boolean;
}

interface Instance {
  url: string;
  requests: Request[];
  /** Connections accepted, answered or not. */
  connections: number;
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function instance(answer: (req: Request) => Answer): Promise<Instance> {
  const server = createServer();
  servers.push(server);
  const me: Instance = { url: '', requests: [], connections: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  server.on('connection', () => me.connections++);
  server.on('request', async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen: Request = {
      method: req.method!,
      path: req.url!,
      authorization: req.headers.authorization,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    me.requests.push(seen);
    const a = answer(seen);
    if (a.drop) {
      res.socket?.destroy();
      return;
    }
    const type = a.status >= 400 ? 'application/problem+json' : 'application/json';
    res.writeHead(a.status, { 'Content-Type': type, ...a.headers });
    res.end(a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  me.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return me;
}

/** The instances' shared database: entries by Idempotency-Key (the ledger's idempotency table). */
function sharedLog() {
  const byKey = new Map<string, { index: number; body: string }>();
  return {
    byKey,
    /** A leader's answer to an append: 201 the first time, 200 (a replay) after. */
    append(req: Request): Answer {
      const known = byKey.get(req.idempotencyKey!);
      const entry = known ?? { index: byKey.size, body: req.body };
      if (!known) byKey.set(req.idempotencyKey!, entry);
      return { status: known ? 200 : 201, body: { index: entry.index, leafHash: '00'.repeat(32), leaf: '', entry: { record: JSON.parse(entry.body) } } };
    },
  };
}

function notLeader(leader?: string): Answer {
  return {
    status: 503,
    headers: { 'Retry-After': '1' },
    body: { type: NOT_LEADER_TYPE, title: 'Service Unavailable', status: 503, detail: 'this instance is a read-only follower', ...(leader !== undefined ? { leader } : {}) },
  };
}

/** A URL where nothing listens any more: connections are refused. */
async function deadUrl(): Promise<string> {
  const gone = await instance(() => ({ status: 500 }));
  await gone.close();
  servers.splice(servers.length - 1, 1);
  return gone.url;
}

const record = (n: number) => rotation(n) as unknown as EvidenceRecord;
const TOKEN = 'elt_writer_failover-test-token';

/** A client that never really sleeps, and reports every retry and every wait it asked for. */
function client(url: string | string[], maxAttempts = 8) {
  const retries: { delayMs: number; url: string; status?: number; error?: unknown }[] = [];
  const sleeps: number[] = [];
  const c = new LedgerClient({
    url,
    token: TOKEN,
    retry: backoffPolicy({ maxAttempts, baseDelayMs: 10, maxDelayMs: 40 }),
    sleep: async (ms) => void sleeps.push(ms),
    onRetry: (r) => retries.push(r),
  });
  return { c, retries, sleeps };
}

describe('endpointKey: when a named leader is a configured instance', () => {
  it('compares scheme, host, port and path, as the URL parser normalises them', () => {
    const same: [string, string][] = [
      ['http://ledger-1.internal:8080', 'HTTP://Ledger-1.Internal:8080/'],
      ['http://ledger-1.internal', 'http://ledger-1.internal:80'],
      ['https://ledger.example.com/log/', 'https://ledger.example.com/log'],
      ['https://ledger.example.com', 'https://ledger.example.com/?x=1#y'],
    ];
    for (const [a, b] of same) expect(endpointKey(a), `${a} = ${b}`).toBe(endpointKey(b));
    const different: [string, string][] = [
      ['http://ledger-1.internal:8080', 'https://ledger-1.internal:8080'],
      ['http://ledger-1.internal:8080', 'http://ledger-1.internal:8081'],
      ['http://ledger-1.internal', 'http://ledger-1.internal.attacker.example'],
      ['http://127.0.0.1:8080', 'http://localhost:8080'],
      ['https://ledger.example.com/log', 'https://ledger.example.com/other'],
      ['https://ledger.example.com/log', 'https://ledger.example.com'],
    ];
    for (const [a, b] of different) expect(endpointKey(a), `${a} != ${b}`).not.toBe(endpointKey(b));
  });
});

describe('the SDK across several instances of one log', () => {
  it('follows a not-leader answer to the configured leader at once, skipping the others, and starts there next time', async () => {
    const log = sharedLog();
    const leader = await instance((req) => log.append(req));
    const quiet = await instance(() => notLeader());
    // Named as the leader advertises itself: another spelling of a configured URL.
    const follower = await instance(() => notLeader(`${leader.url.replace('http://', 'HTTP://')}/`));
    const { c, retries, sleeps } = client([follower.url, quiet.url, `${leader.url}/`]);

    const first = await c.post(record(1));
    expect(first.replayed).toBe(false);
    expect(retries.map((r) => [r.status, r.url, r.delayMs])).toEqual([[503, leader.url, 0]]);
    expect(sleeps).toEqual([]);
    expect(quiet.connections).toBe(0);
    expect(follower.requests).toHaveLength(1);

    await c.post(record(2));
    expect(follower.requests).toHaveLength(1);
    expect(leader.requests).toHaveLength(2);
    expect(log.byKey.size).toBe(2);
  });

  it('without a leader named, moves to the next configured instance', async () => {
    const log = sharedLog();
    const leader = await instance((req) => log.append(req));
    const follower = await instance(() => notLeader());
    const { c, retries } = client([follower.url, leader.url]);
    await c.post(record(3));
    expect(retries.map((r) => [r.status, r.url, r.delayMs])).toEqual([[503, leader.url, 0]]);
    expect(log.byKey.size).toBe(1);
  });

  it('never contacts a leader outside the configured list: not its host, nor another port or path of a configured one', async () => {
    const log = sharedLog();
    const leader = await instance((req) => log.append(req));
    const outsider = await instance((req) => log.append(req));
    for (const named of [outsider.url, `${outsider.url}/`, `${leader.url}/elsewhere`, leader.url.replace('127.0.0.1', 'localhost')]) {
      const follower = await instance(() => notLeader(named));
      const { c, retries } = client([follower.url, leader.url]);
      await c.post(record(4));
      expect(retries.map((r) => r.url), named).toEqual([leader.url]);
    }
    expect(outsider.connections).toBe(0);
    expect(new Set(leader.requests.map((r) => r.path))).toEqual(new Set(['/v1/entries']));

    // With only the follower configured, the client keeps asking it (waiting Retry-After) and gives up.
    const follower = await instance(() => notLeader(outsider.url));
    const { c, sleeps } = client([follower.url], 3);
    const err = await c.post(record(5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerApiError);
    expect((err as LedgerApiError).status).toBe(503);
    expect((err as LedgerApiError).problem).toMatchObject({ type: NOT_LEADER_TYPE, leader: outsider.url });
    expect((err as LedgerApiError).attempts).toBe(3);
    expect(follower.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(1000);
    expect(outsider.connections).toBe(0);
  });

  it('moves past a dead instance (connection refused) and sends the same request there', async () => {
    const log = sharedLog();
    const leader = await instance((req) => log.append(req));
    const dead = await deadUrl();
    const { c, retries } = client([dead, leader.url]);
    const receipt = await c.post(record(6), { idempotencyKey: 'rotation-6' });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ url: leader.url, delayMs: 0 });
    expect(retries[0]!.error).toBeDefined();
    expect(leader.requests[0]).toMatchObject({ method: 'POST', path: '/v1/entries', authorization: `Bearer ${TOKEN}`, idempotencyKey: 'rotation-6' });
    expect(JSON.parse(leader.requests[0]!.body)).toEqual(record(6));
    expect(receipt.index).toBe(0);
  });

  it('starts later requests past an instance that stopped answering, reads included', async () => {
    const follower = await instance((req) => (req.method === 'GET' ? { status: 200, body: 'a checkpoint note' } : notLeader()));
    const { c, retries } = client([await deadUrl(), follower.url]);
    expect(await c.checkpoint()).toBe('a checkpoint note');
    expect(await c.checkpoint()).toBe('a checkpoint note');
    expect(retries).toHaveLength(1);
    expect(follower.requests).toHaveLength(2);
  });

  it('lands a post exactly once when the instance that stored it dies before answering', async () => {
    const log = sharedLog();
    // The old leader commits, then its connection drops; the next instance leads and finds the key.
    const dying = await instance((req) => ({ ...log.append(req), drop: true }));
    const next = await instance((req) => log.append(req));
    const { c, retries } = client([dying.url, next.url]);
    const receipt = await c.post(record(7));
    expect(retries.map((r) => [r.url, r.delayMs])).toEqual([[next.url, 0]]);
    expect(receipt.replayed).toBe(true);
    expect(log.byKey.size).toBe(1);
    const [a, b] = [dying.requests[0]!, next.requests[0]!];
    expect(b.idempotencyKey).toBe(a.idempotencyKey);
    expect(b.body).toBe(a.body);
    expect(b.authorization).toBe(a.authorization);
  });

  it('stays bounded with no leader anywhere: one round of the instances, then Retry-After, until the budget is spent', async () => {
    const followers = await Promise.all([0, 1, 2].map(() => instance(() => notLeader())));
    const { c, retries, sleeps } = client(followers.map((f) => f.url), 7);
    const err = await c.post(record(8)).catch((e: unknown) => e);
    expect((err as LedgerApiError).attempts).toBe(7);
    expect(followers.map((f) => f.requests.length)).toEqual([3, 2, 2]);
    expect(retries.map((r) => r.delayMs > 0)).toEqual([false, false, true, false, false, true]);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(1000);
    expect(new Set(followers.flatMap((f) => f.requests.map((r) => r.idempotencyKey))).size).toBe(1);
  });

  it('stays bounded when two instances name each other (a stale leader URL)', async () => {
    const a = await instance(() => notLeader(b.url));
    const b = await instance(() => notLeader(a.url));
    const { c, sleeps } = client([a.url, b.url], 5);
    const err = await c.post(record(9)).catch((e: unknown) => e);
    expect((err as LedgerApiError).attempts).toBe(5);
    expect([a.requests.length, b.requests.length]).toEqual([3, 2]);
    expect(sleeps).toHaveLength(2);
  });

  it('waits on the leader itself when it pushes back (429/503 that is not not-leader): other instances could not take the write', async () => {
    const log = sharedLog();
    let busy = 2;
    const leader = await instance((req) => (busy-- > 0 ? { status: 503, headers: { 'Retry-After': '1' }, body: { type: 'urn:evidence-ledger:problem:queue-full', title: 'Service Unavailable', status: 503, detail: 'queue full' } } : log.append(req)));
    const follower = await instance(() => notLeader(leader.url));
    const { c, retries, sleeps } = client([leader.url, follower.url]);
    await c.post(record(10));
    expect(retries.map((r) => r.url)).toEqual([leader.url, leader.url]);
    expect(sleeps).toHaveLength(2);
    expect(follower.connections).toBe(0);
  });

  it('gives up with a network error naming the last instance when none answers', async () => {
    const dead = [await deadUrl(), await deadUrl()];
    const { c, sleeps } = client(dead, 4);
    const err = await c.post(record(11)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerNetworkError);
    expect((err as LedgerNetworkError).attempts).toBe(4);
    expect((err as Error).message).toContain(`last at ${dead[1]}`);
    expect(sleeps).toHaveLength(1);
  });

  it('refuses an empty list of instances', () => {
    expect(() => new LedgerClient({ url: [], token: TOKEN })).toThrow(/no ledger instance/);
  });
});

describe('failover properties (fetch injected: any sequence of answers)', () => {
  type Step = { kind: 'ok' } | { kind: 'silent' } | { kind: 'busy' } | { kind: 'refused' } | { kind: 'notLeader'; leader?: string };
  const OUTSIDERS = ['http://evil.test', 'http://i0.test.evil.test', 'https://i0.test', 'http://i0.test:8080', 'http://i0.test/elsewhere'];

  it('only configured instances are asked, one round at most between waits, within the budget, with one key and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(
          fc.oneof(
            fc.constant<Step>({ kind: 'ok' }),
            fc.constant<Step>({ kind: 'silent' }),
            fc.constant<Step>({ kind: 'busy' }),
            fc.constant<Step>({ kind: 'refused' }),
            fc.record({ kind: fc.constant('notLeader' as const), leader: fc.option(fc.oneof(fc.constantFrom(...OUTSIDERS), fc.nat(3).map((i) => `HTTP://I${i}.test/`)), { nil: undefined }) }),
          ),
          { maxLength: 14 },
        ),
        async (n, maxAttempts, steps) => {
          const configured = Array.from({ length: n }, (_, i) => `http://i${i}.test`);
          const events: ({ url: string; key: string | null; body: unknown } | 'wait')[] = [];
          let next = 0;
          const fakeFetch: typeof fetch = async (input, init) => {
            events.push({ url: String(input), key: new Headers(init?.headers).get('Idempotency-Key'), body: init?.body });
            const step: Step = steps[next++] ?? { kind: 'ok' };
            if (step.kind === 'silent') throw new TypeError('fetch failed');
            if (step.kind === 'ok') return new Response(JSON.stringify({ index: 0, leafHash: '', leaf: '', entry: {} }), { status: 201 });
            if (step.kind === 'refused') return new Response(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'no' }), { status: 400 });
            const body = step.kind === 'busy' ? { type: 'urn:evidence-ledger:problem:queue-full', status: 503 } : { type: NOT_LEADER_TYPE, status: 503, ...(step.leader ? { leader: step.leader } : {}) };
            return new Response(JSON.stringify({ title: 'Service Unavailable', detail: 'x', ...body }), { status: 503, headers: { 'Retry-After': '1' } });
          };
          const c = new LedgerClient({
            url: configured,
            token: TOKEN,
            fetch: fakeFetch,
            retry: backoffPolicy({ maxAttempts, baseDelayMs: 1 }),
            sleep: async () => void events.push('wait'),
          });
          await c.post(record(1), { idempotencyKey: 'k' }).catch(() => undefined);
          const requests = events.filter((e) => e !== 'wait');
          expect(requests.length).toBeLessThanOrEqual(maxAttempts);
          for (const r of requests) {
            expect(configured.map((u) => `${u}/v1/entries`)).toContain(r.url);
            expect(r.key).toBe('k');
            expect(r.body).toBe(requests[0]!.body);
          }
          // Between two waits, every instance is asked at most once; and a wait comes only before
          // going back to an instance already asked since the last one.
          let round = new Set<string>();
          let previous = new Set<string>();
          let waited = false;
          for (const e of events) {
            if (e === 'wait') {
              [previous, round, waited] = [round, new Set(), true];
              continue;
            }
            expect(round.has(e.url)).toBe(false);
            if (waited) expect(previous.has(e.url)).toBe(true);
            waited = false;
            round.add(e.url);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
