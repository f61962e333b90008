/**
 * Append bodies prepared on worker threads (src/http/prepare-pool.ts) must give exactly what
 * preparing them inline gives: the same leaves, the same 400s with the same fields, and a
 * thread that dies costs only its own requests (503, retryable), never the service.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { WorkerPreparer, inlinePreparer, type BodyPreparer } from '../../src/http/prepare-pool.js';
import { HttpProblem } from '../../src/http/problem.js';
import { encodeLeaf, ZERO_HASH_HEX, type EvidenceRecord } from '../../src/evidence/index.js';
import { openTestLedger, rotation, approval, type TestLedger } from '../support/ledger.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const head = { v: 1, index: 0, prev: ZERO_HASH_HEX, receivedAt: '2026-09-14T02:00:00.000Z', source: 'ci' } as const;

/** Bodies whose answer must not depend on where they are prepared. */
const BAD_BODIES: [string, 'entry' | 'batch', string][] = [
  ['malformed JSON', 'entry', '{"type":'],
  ['duplicate keys', 'entry', JSON.stringify(rotation(1)).replace(/^\{/, '{"type":"rotation",')],
  ['a secret', 'entry', JSON.stringify({ ...rotation(1), details: { password: 'Zx8!qL2#vR9@tY4$wE7^' } })],
  ['a batch that is not an object', 'batch', '[1]'],
  ['an unknown batch member', 'batch', JSON.stringify({ records: [rotation(1)], more: 1 })],
  ['a bad fourth record', 'batch', JSON.stringify({ records: [rotation(1), rotation(2), rotation(3), { ...rotation(4), actor: { id: 'x' } }] })],
];

async function problemOf(p: BodyPreparer, raw: Uint8Array, kind: 'entry' | 'batch'): Promise<HttpProblem> {
  const err = await p.prepare(raw, kind).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('a pool of preparation threads', () => {
  let pool: WorkerPreparer;
  beforeAll(async () => {
    // Every request through a thread, even a lone one, so the comparisons below compare something.
    pool = await WorkerPreparer.start(2, { inlineWhenIdle: false });
  });
  afterAll(() => pool.close());

  it('returns the records inline preparation returns, vouched for so their leaves are the checked ones', async () => {
    const body = utf8(JSON.stringify({ records: [rotation(1), approval(2)] }));
    const [threaded, inline] = await Promise.all([pool.prepare(body, 'batch'), inlinePreparer().prepare(body, 'batch')]);
    expect(threaded.map((r) => r.record)).toEqual(inline.map((r) => r.record));
    expect(threaded.map((r) => r.canonical)).toEqual(inline.map((r) => r.canonical));
    for (const { record } of threaded) {
      expect(Object.isFrozen(record)).toBe(true);
      const plain = structuredClone(record) as EvidenceRecord;
      expect(Buffer.from(encodeLeaf({ ...head, record })).toString()).toBe(Buffer.from(encodeLeaf({ ...head, record: plain })).toString());
    }
  });

  it.each(BAD_BODIES)('refuses %s with the status, field and errors inline preparation gives', async (_name, kind, text) => {
    const [threaded, inline] = await Promise.all([problemOf(pool, utf8(text), kind), problemOf(inlinePreparer(), utf8(text), kind)]);
    expect(threaded.status).toBe(400);
    expect({ detail: threaded.detail, field: threaded.field, errors: threaded.errors }).toEqual({ detail: inline.detail, field: inline.field, errors: inline.errors });
  });

  it('answers many requests of one turn, each with its own result', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => utf8(JSON.stringify(i % 7 === 3 ? { nonsense: i } : rotation(i))));
    const results = await Promise.allSettled(bodies.map((b) => pool.prepare(b, 'entry')));
    results.forEach((r, i) => {
      if (i % 7 === 3) expect(r.status).toBe('rejected');
      else expect(r.status === 'fulfilled' && r.value[0]!.record).toEqual(rotation(i));
    });
  });

  it('answers a request without a body as a missing record', async () => {
    const err = await problemOf(pool, undefined as unknown as Uint8Array, 'entry');
    expect(err.status).toBe(400);
  });

  it('answers the requests of a thread that stops with 503, replaces the thread and goes on', async () => {
    const own = await WorkerPreparer.start(1, { inlineWhenIdle: false });
    try {
      const inFlight = Array.from({ length: 20 }, (_, i) => own.prepare(utf8(JSON.stringify(rotation(i))), 'entry'));
      // A crash from outside (as an out-of-memory kill would be): the private worker, on purpose.
      await (own as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate();
      const settled = await Promise.allSettled(inFlight);
      for (const s of settled) {
        if (s.status === 'rejected') expect((s.reason as HttpProblem).status).toBe(503);
      }
      expect(settled.some((s) => s.status === 'rejected')).toBe(true);
      await expect.poll(() => own.size, { timeout: 5000 }).toBe(1);
      const after = await own.prepare(utf8(JSON.stringify(rotation(99))), 'entry');
      expect(after[0]!.record).toEqual(rotation(99));
    } finally {
      await own.close();
    }
  });

  it('reports a failed restart (logged, in health, and in the 503) instead of claiming to shut down', async () => {
    const errors: string[] = [];
    const own = await WorkerPreparer.start(1, { inlineWhenIdle: false, onError: (message) => errors.push(message) });
    try {
      // The build vanished under the running service: the next thread cannot load.
      (own as unknown as { workerUrl: URL }).workerUrl = new URL('file:///nonexistent/prepare-worker.js');
      await (own as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate();
      await expect.poll(() => errors, { timeout: 5000 }).toContain('restarting a preparation thread failed');
      expect(own.health()).toMatchObject({ threads: 0, wanted: 1, lastError: expect.stringMatching(/^restarting a preparation thread failed: /) });
      const refused = await own.prepare(utf8(JSON.stringify(rotation(1))), 'entry').catch((err: HttpProblem) => err);
      expect((refused as HttpProblem).status).toBe(503);
      expect((refused as HttpProblem).detail).toMatch(/no preparation thread is running \(restarting a preparation thread failed/);
      const t = openTestLedger({ preparer: own });
      try {
        const ready = await request(t.app).get('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.preparation).toMatchObject({ threads: 0, wanted: 1 });
      } finally {
        t.cleanup();
      }
    } finally {
      await own.close();
    }
  });

  it('fails to start, and does not retry for ever, when the thread code cannot load', async () => {
    await expect(WorkerPreparer.start(1, { workerUrl: new URL('file:///nonexistent/prepare-worker.js') })).rejects.toThrow(/stopped at start-up|Cannot find/);
  });
});

describe('the HTTP API with preparation threads', () => {
  let pool: WorkerPreparer;
  let t: TestLedger;
  const writer = () => ({ Authorization: `Bearer ${t.tokens.writer}` });
  beforeAll(async () => {
    pool = await WorkerPreparer.start(1);
  });
  afterAll(() => pool.close());
  beforeEach(() => {
    t = openTestLedger({ preparer: pool });
  });
  afterEach(() => t.cleanup());

  it('appends single records and batches with the leaves inline preparation would write', async () => {
    const one = await request(t.app).post('/v1/entries').set(writer()).send(rotation(1)).expect(201);
    const batch = await request(t.app).post('/v1/entries/batch').set(writer()).send({ records: [rotation(2), approval(3)] }).expect(201);
    expect(batch.body.entries.map((e: { index: number }) => e.index)).toEqual([1, 2]);
    for (const e of [one.body, ...batch.body.entries]) {
      const expected = encodeLeaf(e.entry);
      expect(Buffer.from(e.leaf, 'base64').toString()).toBe(Buffer.from(expected).toString());
      expect(t.store.log.entry(e.index)!.leaf).toEqual(expected);
    }
  });

  it('answers 400 naming the field, writing nothing', async () => {
    const res = await request(t.app).post('/v1/entries/batch').set(writer())
      .send({ records: [rotation(1), { ...rotation(2), controlId: '' }] }).expect(400);
    expect(res.body.field).toBe('records.1.controlId');
    expect(t.store.log.size()).toBe(0);
  });

  it('replays an idempotent retry and refuses the key for another record', async () => {
    const key = { 'Idempotency-Key': 'rotation-42' };
    const first = await request(t.app).post('/v1/entries').set(writer()).set(key).send(rotation(42)).expect(201);
    const again = await request(t.app).post('/v1/entries').set(writer()).set(key).send(rotation(42)).expect(200);
    expect(again.body).toEqual(first.body);
    await request(t.app).post('/v1/entries').set(writer()).set(key).send(rotation(43)).expect(409);
  });
});
