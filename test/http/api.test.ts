/** The HTTP contract (../shared/CONTRACT.md), end to end through express and a real SQLite ledger. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createHash } from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node.js';
import { fromHex } from '../../src/crypto/bytes.js';
import { openCheckpoint, parseTlogProof, parseVerifierKey } from '../../src/note/index.js';
import { verifyConsistency, verifyInclusion } from '../../src/merkle/index.js';
import { openTestLedger, rotation, approval, type TestLedger } from '../support/ledger.js';

const sha256hex = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

describe('HTTP API', () => {
  let t: TestLedger;
  const as = (role: 'writer' | 'auditor' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });
  beforeEach(() => {
    t = openTestLedger();
  });
  afterEach(() => t.cleanup());

  function post(record: unknown, headers: Record<string, string> = {}) {
    return request(t.app).post('/v1/entries').set(as('writer')).set(headers).send(record as object);
  }

  async function signedCheckpoint() {
    t.ledger.tick();
    const key = (await request(t.app).get('/v1/key')).body;
    const note = await request(t.app).get('/v1/checkpoint').expect(200);
    expect(note.headers['content-type']).toBe('text/plain; charset=utf-8');
    const vkey = parseVerifierKey(nodeCrypto, key.verifierKey);
    return openCheckpoint(nodeCrypto, note.text, [vkey], { expectedOrigin: key.origin }).checkpoint;
  }

  describe('POST /v1/entries', () => {
    it('stores a record durably and answers the exact leaf bytes, its hash and the envelope', async () => {
      const res = await post(rotation(1)).expect(201);
      const leaf = Buffer.from(res.body.leaf, 'base64');
      expect(res.body.index).toBe(0);
      expect(res.body.leafHash).toBe(sha256hex(Buffer.from([0]), leaf));
      expect(JSON.parse(leaf.toString('utf8'))).toEqual(res.body.entry);
      expect(res.body.entry).toMatchObject({ v: 1, index: 0, prev: '0'.repeat(64), source: 'test-writer', record: rotation(1) });
      expect(res.body.entry.receivedAt).toBe('2026-09-14T02:00:00.000Z');
      // Durable before the answer: a second connection to the file sees it.
      expect(t.store.log.size()).toBe(1);
    });

    it('chains each entry to its predecessor\'s leaf hash', async () => {
      const a = await post(rotation(1)).expect(201);
      const b = await post(rotation(2)).expect(201);
      expect(b.body.index).toBe(1);
      expect(b.body.entry.prev).toBe(a.body.leafHash);
    });

    it('takes the source from the token, and refuses one in the body', async () => {
      const res = await post({ ...rotation(1), source: 'forged' }).expect(400);
      expect(res.body.field).toBe('source');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('names the wrong field of an invalid record', async () => {
      const bad = { ...rotation(1), actor: { id: 'x', kind: 'robot' } };
      const res = await post(bad).expect(400);
      expect(res.body.field).toBe('actor.kind');
      expect(t.store.log.size()).toBe(0);
    });

    it('refuses a secret value, naming the field', async () => {
      const res = await post({ ...rotation(1), details: { password: 'Zx8!qL2#vR9@tY4$wE7^' } }).expect(400);
      expect(res.body.field).toBe('details.password');
      expect(t.store.log.size()).toBe(0);
    });

    it('answers 415 for a body that is not JSON, 413 past 1 MiB, 400 for malformed JSON', async () => {
      await request(t.app).post('/v1/entries').set(as('writer')).set('Content-Type', 'text/plain').send('hi').expect(415);
      const big = JSON.stringify({ ...rotation(1), details: { x: 'a'.repeat(1024 * 1024) } });
      await request(t.app).post('/v1/entries').set(as('writer')).set('Content-Type', 'application/json').send(big).expect(413);
      await request(t.app).post('/v1/entries').set(as('writer')).set('Content-Type', 'application/json').send('{"type":').expect(400);
      expect(t.store.log.size()).toBe(0);
    });

    describe('Idempotency-Key', () => {
      it('replays the same entry with 200 for the same key and record', async () => {
        const first = await post(rotation(1), { 'Idempotency-Key': 'k-1' }).expect(201);
        const again = await post(rotation(1), { 'Idempotency-Key': 'k-1' }).expect(200);
        expect(again.body).toEqual(first.body);
        expect(t.store.log.size()).toBe(1);
      });

      it('treats the record as a JSON value: member order does not matter', async () => {
        await post(rotation(1), { 'Idempotency-Key': 'k-1' }).expect(201);
        const reordered = Object.fromEntries(Object.entries(rotation(1)).reverse());
        await post(reordered, { 'Idempotency-Key': 'k-1' }).expect(200);
      });

      it('answers 409 for the same key with another record', async () => {
        await post(rotation(1), { 'Idempotency-Key': 'k-1' }).expect(201);
        const res = await post(rotation(2), { 'Idempotency-Key': 'k-1' }).expect(409);
        expect(res.body.field).toBe('Idempotency-Key');
        expect(t.store.log.size()).toBe(1);
      });

      it('appends once when concurrent retries with one key land in the same batch', async () => {
        const answers = await Promise.all(Array.from({ length: 5 }, () => post(rotation(1), { 'Idempotency-Key': 'race' })));
        expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
        expect(new Set(answers.map((a) => a.body.leafHash)).size).toBe(1);
        expect(t.store.log.size()).toBe(1);
      });

      it('is scoped to the token\'s source', async () => {
        const other = await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'writer', source: 'other-system' }).expect(201);
        await post(rotation(1), { 'Idempotency-Key': 'shared' }).expect(201);
        const res = await request(t.app).post('/v1/entries').set({ Authorization: `Bearer ${other.body.token}`, 'Idempotency-Key': 'shared' }).send(rotation(2)).expect(201);
        expect(res.body.entry.source).toBe('other-system');
      });

      it('rejects a malformed key', async () => {
        await post(rotation(1), { 'Idempotency-Key': 'has space' }).expect(400);
      });
    });
  });

  describe('POST /v1/entries/batch', () => {
    it('appends all records with consecutive indexes and a continuous chain', async () => {
      const res = await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(1), approval(2), rotation(3)] }).expect(201);
      expect(res.body.entries.map((e: { index: number }) => e.index)).toEqual([0, 1, 2]);
      expect(res.body.entries[1].entry.prev).toBe(res.body.entries[0].leafHash);
      expect(res.body.entries[2].entry.prev).toBe(res.body.entries[1].leafHash);
    });

    it('appends none when one record is invalid, naming it', async () => {
      const res = await request(t.app).post('/v1/entries/batch').set(as('writer'))
        .send({ records: [rotation(1), { ...approval(2), decision: 'maybe' }] }).expect(400);
      expect(res.body.field).toBe('records.1.decision');
      expect(t.store.log.size()).toBe(0);
    });

    it('takes 1 to 1,000 records', async () => {
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [] }).expect(400);
      const many = Array.from({ length: 1001 }, (_, i) => rotation(i));
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: many }).expect(400);
      const max = await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: many.slice(0, 1000) }).expect(201);
      expect(max.body.entries).toHaveLength(1000);
    });

    it('replays a whole batch for its Idempotency-Key', async () => {
      const body = { records: [rotation(1), rotation(2)] };
      const a = await request(t.app).post('/v1/entries/batch').set(as('writer')).set('Idempotency-Key', 'b1').send(body).expect(201);
      const b = await request(t.app).post('/v1/entries/batch').set(as('writer')).set('Idempotency-Key', 'b1').send(body).expect(200);
      expect(b.body).toEqual(a.body);
      await request(t.app).post('/v1/entries/batch').set(as('writer')).set('Idempotency-Key', 'b1').send({ records: [rotation(1)] }).expect(409);
    });
  });

  describe('reading entries', () => {
    it('serves an entry with its leaf, hash and late flag', async () => {
      await post(rotation(1)).expect(201);
      const res = await request(t.app).get('/v1/entries/0').set(as('auditor')).expect(200);
      expect(res.body).toMatchObject({ index: 0, late: false });
      await request(t.app).get('/v1/entries/1').set(as('auditor')).expect(404);
      await request(t.app).get('/v1/entries/01').set(as('auditor')).expect(400);
    });

    it('marks a record that occurred in an earlier fiscal quarter as late', async () => {
      t.now.ms = Date.parse('2026-10-01T00:00:05Z');
      await post({ ...rotation(1), occurredAt: '2026-09-30T23:59:00Z' }).expect(201);
      const res = await request(t.app).get('/v1/entries/0').set(as('auditor')).expect(200);
      expect(res.body.late).toBe(true);
    });

    it('lists entries by filter, page by page', async () => {
      await request(t.app).post('/v1/entries/batch').set(as('writer'))
        .send({ records: [approval(0, 'a'), approval(1, 'b'), approval(2, 'a'), approval(3, 'a')] }).expect(201);
      const p1 = await request(t.app).get('/v1/entries?system=a&limit=2').set(as('auditor')).expect(200);
      expect(p1.body.entries.map((e: { index: number }) => e.index)).toEqual([0, 2]);
      const p2 = await request(t.app).get(`/v1/entries?system=a&limit=2&after=${p1.body.next}`).set(as('auditor')).expect(200);
      expect(p2.body.entries.map((e: { index: number }) => e.index)).toEqual([3]);
      expect(p2.body.next).toBeNull();
      await request(t.app).get('/v1/entries?bogus=1').set(as('auditor')).expect(400);
    });
  });

  describe('checkpoints and proofs', () => {
    it('serves a C2SP checkpoint that a standard verifier accepts, with proofs that verify against it', async () => {
      const records = Array.from({ length: 7 }, (_, i) => rotation(i));
      const batch = await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records }).expect(201);
      const cp = await signedCheckpoint();
      expect(cp.size).toBe(7);
      for (const e of batch.body.entries) {
        const proof = await request(t.app).get(`/v1/proofs/inclusion?index=${e.index}`).expect(200);
        expect(proof.body).toMatchObject({ index: e.index, treeSize: 7, leafHash: e.leafHash });
        const verdict = verifyInclusion(nodeCrypto, {
          leafHash: fromHex(e.leafHash), index: e.index, size: 7, proof: proof.body.proof.map(fromHex), root: cp.rootHash,
        });
        expect(verdict).toEqual({ ok: true });
      }
      const byHash = await request(t.app).get(`/v1/proofs/inclusion?leafHash=${batch.body.entries[3].leafHash}`).expect(200);
      expect(byHash.body.index).toBe(3);
    });

    it('proves that a later checkpoint extends an earlier one', async () => {
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(1), rotation(2), rotation(3)] });
      const old = await signedCheckpoint();
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(4), rotation(5)] });
      const now = await signedCheckpoint();
      const res = await request(t.app).get('/v1/proofs/consistency?from=3&to=5').expect(200);
      expect(verifyConsistency(nodeCrypto, {
        oldSize: 3, newSize: 5, oldRoot: old.rootHash, newRoot: now.rootHash, proof: res.body.proof.map(fromHex),
      })).toEqual({ ok: true });
      expect((await request(t.app).get('/v1/proofs/consistency?from=5&to=5').expect(200)).body.proof).toEqual([]);
      await request(t.app).get('/v1/checkpoints/3').expect(200);
      await request(t.app).get('/v1/checkpoints/4').expect(404);
    });

    it('refuses proofs outside the signed tree with 400 and unknown leaf hashes with 404', async () => {
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(1), rotation(2)] });
      await request(t.app).get('/v1/proofs/inclusion?index=0').expect(400); // nothing signed yet
      await signedCheckpoint();
      await post(rotation(3)).expect(201); // appended but not yet signed
      await request(t.app).get('/v1/proofs/inclusion?index=2').expect(400);
      await request(t.app).get('/v1/proofs/inclusion?index=0&treeSize=3').expect(400);
      await request(t.app).get('/v1/proofs/inclusion?index=1&treeSize=1').expect(400);
      await request(t.app).get('/v1/proofs/inclusion?index=0&treeSize=1').expect(200);
      await request(t.app).get(`/v1/proofs/inclusion?leafHash=${'ab'.repeat(32)}`).expect(404);
      await request(t.app).get('/v1/proofs/inclusion?leafHash=xyz').expect(400);
      for (const q of ['from=0&to=2', 'from=2&to=1', 'from=1&to=3', 'from=-1&to=2', 'from=1']) {
        await request(t.app).get(`/v1/proofs/consistency?${q}`).expect(400);
      }
    });

    it('serves a C2SP tlog-proof that proves the entry with its leaf bytes alone', async () => {
      await request(t.app).post('/v1/entries/batch').set(as('writer')).send({ records: [rotation(1), rotation(2), rotation(3)] });
      await signedCheckpoint();
      const res = await request(t.app).get('/v1/entries/1/tlog-proof').set(as('auditor')).expect(200);
      const p = parseTlogProof(res.text);
      const vkey = parseVerifierKey(nodeCrypto, t.ledger.key().verifierKey);
      const { checkpoint } = openCheckpoint(nodeCrypto, p.checkpointNote, [vkey]);
      const leafHash = fromHex(sha256hex(Buffer.from([0]), Buffer.from(p.extra!)));
      expect(verifyInclusion(nodeCrypto, { leafHash, index: p.index, size: checkpoint.size, proof: p.proof, root: checkpoint.rootHash })).toEqual({ ok: true });
      await request(t.app).get('/v1/entries/1/tlog-proof?treeSize=2').set(as('auditor')).expect(404);
      // Just appended, not yet under a checkpoint: say so, and name the index (no treeSize was sent).
      await post(rotation(4)).expect(201);
      const early = await request(t.app).get('/v1/entries/3/tlog-proof').set(as('auditor')).expect(400);
      expect(early.body).toMatchObject({ field: 'index', detail: 'entry 3 is not covered by the latest checkpoint (size 3) yet; retry in a moment' });
    });
  });

  describe('tokens', () => {
    it('issues a token once, attributes entries to its source, and revokes it at once', async () => {
      const issued = await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'writer', source: 'spiffe://corp/ci' }).expect(201);
      expect(issued.body).toMatchObject({ role: 'writer', source: 'spiffe://corp/ci' });
      const auth = { Authorization: `Bearer ${issued.body.token}` };
      const entry = await request(t.app).post('/v1/entries').set(auth).send(rotation(1)).expect(201);
      expect(entry.body.entry.source).toBe('spiffe://corp/ci');
      await request(t.app).delete(`/v1/tokens/${issued.body.id}`).set(as('admin')).expect(204);
      await request(t.app).post('/v1/entries').set(auth).send(rotation(2)).expect(401);
      await request(t.app).delete(`/v1/tokens/${issued.body.id}`).set(as('admin')).expect(404);
    });

    it('stops accepting a token once it expires', async () => {
      const expiresAt = new Date(t.now.ms + 60_000).toISOString();
      const issued = await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'auditor', source: 'ext-audit', expiresAt }).expect(201);
      const auth = { Authorization: `Bearer ${issued.body.token}` };
      await request(t.app).get('/v1/entries').set(auth).expect(200);
      t.now.ms += 61_000;
      await request(t.app).get('/v1/entries').set(auth).expect(401);
    });

    it('validates the request', async () => {
      const r1 = await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'root', source: 'x' }).expect(400);
      expect(r1.body.field).toBe('role');
      await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'writer', source: 'x', expiresAt: '2000-01-01T00:00:00Z' }).expect(400);
      await request(t.app).post('/v1/tokens').set(as('admin')).send({ role: 'writer' }).expect(400);
    });
  });

  describe('who may do what', () => {
    type Who = 'none' | 'writer' | 'auditor' | 'admin';
    // Expected status per caller, from the contract's "Who may do what".
    const matrix: [string, string, () => object | undefined, Record<Who, number>][] = [
      ['POST', '/v1/entries', () => rotation(9), { none: 401, writer: 201, auditor: 403, admin: 403 }],
      ['POST', '/v1/entries/batch', () => ({ records: [rotation(9)] }), { none: 401, writer: 201, auditor: 403, admin: 403 }],
      ['GET', '/v1/entries/0', () => undefined, { none: 401, writer: 403, auditor: 200, admin: 200 }],
      ['GET', '/v1/entries', () => undefined, { none: 401, writer: 403, auditor: 200, admin: 200 }],
      ['GET', '/v1/entries/0/tlog-proof', () => undefined, { none: 401, writer: 403, auditor: 200, admin: 200 }],
      ['GET', '/v1/checkpoint', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['GET', '/v1/checkpoints/1', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['GET', '/v1/key', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['GET', '/v1/proofs/inclusion?index=0', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['GET', '/v1/proofs/consistency?from=1&to=1', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['GET', '/healthz', () => undefined, { none: 200, writer: 200, auditor: 200, admin: 200 }],
      ['POST', '/v1/tokens', () => ({ role: 'auditor', source: 'a' }), { none: 401, writer: 403, auditor: 403, admin: 201 }],
      ['DELETE', '/v1/tokens/tok_000000000000', () => undefined, { none: 401, writer: 403, auditor: 403, admin: 404 }],
    ];
    for (const [method, url, body, expected] of matrix) {
      for (const who of ['none', 'writer', 'auditor', 'admin'] as Who[]) {
        it(`${method} ${url} as ${who}: ${expected[who]}`, async () => {
          await post(rotation(0)).expect(201);
          t.ledger.tick();
          let req = request(t.app)[method.toLowerCase() as 'get'](url);
          if (who !== 'none') req = req.set(as(who));
          const b = body();
          const res = await (b ? req.send(b) : req);
          expect(res.status).toBe(expected[who]);
        });
      }
    }

    it('treats an unknown token as missing (401), and accepts LEDGER_ADMIN_TOKEN as admin', async () => {
      await request(t.app).get('/v1/entries').set('Authorization', 'Bearer elt_admin_nope').expect(401);
      const withEnv = openTestLedger({ adminToken: 'x'.repeat(40) });
      try {
        await request(withEnv.app).get('/v1/entries').set('Authorization', `Bearer ${'x'.repeat(40)}`).expect(200);
        await request(withEnv.app).post('/v1/entries').set('Authorization', `Bearer ${'x'.repeat(40)}`).send(rotation(1)).expect(403);
      } finally {
        withEnv.cleanup();
      }
    });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await request(t.app).get('/v2/nothing').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(404);
  });
});
