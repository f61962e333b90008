/**
 * /readyz judges staleness by how long entries have waited for a signature, so the first write
 * after an idle spell does not make a healthy node unready (issue 13: 954 such 503s in one run).
 */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

describe('readiness after idle time', () => {
  let t: TestLedger;
  beforeEach(() => {
    t = openTestLedger(); // cadence 1 s: stale after 5 s of waiting
  });
  afterEach(() => t.cleanup());

  const append = (n: number) => request(t.app).post('/v1/entries').set('Authorization', `Bearer ${t.tokens.writer}`).send(rotation(n));

  it('stays ready on the first write after an idle spell, and is unready once entries really wait too long', async () => {
    expect((await append(1)).status).toBe(201);
    t.ledger.tick();
    t.now.ms += 60_000; // a quiet minute: the last checkpoint is now a minute old
    expect((await append(2)).status).toBe(201);
    const fresh = await request(t.app).get('/readyz');
    expect([fresh.status, fresh.body.stale]).toEqual([200, undefined]);
    t.now.ms += 5_001; // no tick signs it: the entry has waited beyond five intervals
    const stale = await request(t.app).get('/readyz');
    expect(stale.status).toBe(503);
    expect(stale.body.stale).toMatch(/1 entries have waited up to 5001 ms/);
    t.ledger.tick();
    expect((await request(t.app).get('/readyz')).status).toBe(200);
  });
});
