/**
 * A follower over HTTP: every read answers as on the leader; every write (append, batch, token,
 * source key, redaction) answers 503 not-leader with Retry-After and the leader's URL, on both
 * append paths; /readyz and /metrics say the role. And the SDK, retrying those 503s, lands its
 * post once leadership moves to the instance it talks to.
 */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { LedgerClient, backoffPolicy, type EvidenceRecord } from '../../src/sdk/index.js';
import { fakeLeadership } from '../support/leadership.js';
import { serve } from '../support/http-server.js';
import { describedHandlers } from '../support/openapi-check.js';
import { TEST_SETTINGS, openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

const LEADER_URL = 'http://ledger-1.internal:8080';

describe('writes that reach a follower', () => {
  let t: TestLedger;
  let follower: Ledger;
  let app: ReturnType<typeof createHandler>;
  let leadership: ReturnType<typeof fakeLeadership>;
  beforeEach(async () => {
    t = openTestLedger();
    leadership = fakeLeadership({ term: 4, url: LEADER_URL });
    follower = Ledger.open({ store: t.store, signer: t.signer, crypto: nodeCrypto, settings: TEST_SETTINGS, clock: () => t.now.ms, role: 'follower', leadership });
    app = createHandler({ ledger: follower, logger: createLogger('silent'), metrics: createMetrics(follower, { processMetrics: false }), metricsAccess: 'public' });
    describedHandlers.add(app);
    await t.ledger.append('src', [rotation(0) as unknown as EvidenceRecord]);
    t.ledger.tick();
  });
  afterEach(() => {
    follower.close();
    t.cleanup();
  });

  const as = (role: 'writer' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });

  it('answers 503 not-leader with Retry-After and the leader URL, on the fast path and through express', async () => {
    const issued = await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'auditor', source: 'x' });
    const sizeBefore = t.store.log.size();
    const answers = [
      await request(app).post('/v1/entries').set(as('writer')).send(rotation(1)),
      await request(app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(2), rotation(3)] }),
      await request(app).post('/v1/tokens').set(as('admin')).send({ role: 'writer', source: 'x' }),
      await request(app).post('/v1/entries/0/redaction').set(as('admin')).send({ reason: 'pii', ticket: 'T-1' }),
      await request(app).delete(`/v1/tokens/${issued.body.id as string}`).set(as('admin')),
    ];
    for (const res of answers) {
      expect(res.status, res.text).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:evidence-ledger:problem:not-leader', status: 503, leader: LEADER_URL });
    }
    expect(t.store.log.size()).toBe(sizeBefore);
  });

  it('leaves out the leader member when no leader advertised a URL', async () => {
    leadership.leader = undefined;
    const res = await request(app).post('/v1/entries').set(as('writer')).send(rotation(1));
    expect(res.status).toBe(503);
    expect(res.body.type).toBe('urn:evidence-ledger:problem:not-leader');
    expect(res.body).not.toHaveProperty('leader');
  });

  it('serves reads as the leader does, and says its role in /readyz and /metrics', async () => {
    for (const path of ['/v1/checkpoint', '/v1/entries/0', '/v1/proofs/inclusion?index=0', '/v1/key']) {
      const [mine, leaders] = [await request(app).get(path).set('Authorization', `Bearer ${t.tokens.auditor}`), await request(t.app).get(path).set('Authorization', `Bearer ${t.tokens.auditor}`)];
      expect(mine.status, path).toBe(200);
      expect(mine.text, path).toBe(leaders.text);
    }
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', role: 'follower', term: 4, leader: LEADER_URL, database: 'readable', treeSize: 1, signedTreeSize: 1 });
    expect((await request(t.app).get('/readyz')).body).toMatchObject({ role: 'leader', database: 'writable' });
    // A load balancer's health check for writes: ready only on the sequencer.
    const forWrites = await request(app).get('/readyz?role=leader');
    expect(forWrites.status).toBe(503);
    expect(forWrites.headers['retry-after']).toBe('1');
    expect(forWrites.body).toMatchObject({ status: 'not ready', role: 'follower', leader: LEADER_URL });
    expect((await request(t.app).get('/readyz?role=leader')).body).toMatchObject({ status: 'ready', role: 'leader' });
    for (const query of ['role=follower', 'role=', 'role=leader&role=leader']) {
      const bad = await request(app).get(`/readyz?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.field, query).toBe('role');
    }
    const metrics = (await request(app).get('/metrics')).text;
    expect(metrics).toMatch(/^ledger_leader 0$/m);
    expect(metrics).toMatch(/^ledger_leader_term 4$/m);
  });

  it('the SDK retries the 503s and its post lands once this instance is promoted', async () => {
    const server = await serve(app);
    try {
      const seen: number[] = [];
      const client = new LedgerClient({
        url: server.url,
        token: t.tokens.writer,
        retry: backoffPolicy({ baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5_000 }),
        sleep: async () => {},
        onRetry: ({ status }) => {
          seen.push(status ?? 0);
          // The old leader is gone after the second refusal; this instance is granted the next term.
          if (seen.length === 2) {
            t.ledger.loseLeadership('test: the leader died');
            follower.promote(leadership.tryLead('follower:2', null)!);
          }
        },
      });
      const receipt = await client.post(rotation(7) as unknown as EvidenceRecord);
      expect(seen).toEqual([503, 503]);
      expect(receipt.index).toBe(1);
      expect(t.store.log.entry(1)?.leafHash).toEqual(Uint8Array.from(Buffer.from(receipt.leafHash, 'hex')));
    } finally {
      await server.close();
    }
  });
});
