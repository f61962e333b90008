/** The one secret screen over the strings the HTTP layer stores besides records: a token's source and Idempotency-Key values. */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { witnessNameProblem } from '../../src/ledger/witness-names.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

// Assembled at run time, so the file holds nothing a scanner would flag.
const githubToken = ['gh', 'p_', 'Q7v2K9xLm4Rt8Wz1Pq6Ys3Nd5Fh0Jc2Bg4Vk'].join('');

describe('screening of stored strings over HTTP', () => {
  let t: TestLedger;
  beforeEach(() => {
    t = openTestLedger();
  });
  afterEach(() => t.cleanup());
  const admin = () => ({ Authorization: `Bearer ${t.tokens.admin}` });
  const writer = () => ({ Authorization: `Bearer ${t.tokens.writer}` });

  it('refuses a token whose source holds a secret or a hidden character, naming source and storing nothing', async () => {
    for (const source of [`ci-${githubToken}`, 'ci\u202e-runner', 'ci\u200b-runner', 'ci\u0007']) {
      const res = await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'writer', source }).expect(400);
      expect(res.body.field).toBe('source');
      expect(JSON.stringify(res.body)).not.toContain(githubToken);
    }
    expect((t.store.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n).toBe(3);
  });

  it('counts a source of 256 UTF-16 code units as the longest allowed', async () => {
    const emoji = '\u{1F512}';
    await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'writer', source: emoji.repeat(128) }).expect(201);
    const res = await request(t.app).post('/v1/tokens').set(admin()).send({ role: 'writer', source: `${emoji.repeat(128)}x` }).expect(400);
    expect(res.body.field).toBe('source');
  });

  it('refuses an Idempotency-Key that is a secret, writing no entry', async () => {
    const res = await request(t.app).post('/v1/entries').set(writer()).set('Idempotency-Key', githubToken).send(rotation(1)).expect(400);
    expect(res.body.field).toBe('Idempotency-Key');
    expect(t.store.log.size()).toBe(0);
    await request(t.app).post('/v1/entries').set(writer()).set('Idempotency-Key', 'chg-20931-rotation').send(rotation(1)).expect(201);
  });
});

describe('witness names go through the same screen', () => {
  it('refuses a secret as a witness name without repeating it, and accepts ordinary names', () => {
    const problem = witnessNameProblem(githubToken);
    expect(problem).toMatch(/^looks like a GitHub token/);
    expect(problem).not.toContain(githubToken);
    for (const name of ['witness.example.com/w1', 'sigsum.org/v1/witness/abc', 'corp-witness-2']) expect(witnessNameProblem(name), name).toBeUndefined();
  });
});
