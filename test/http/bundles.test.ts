/**
 * GET /v1/bundles (contract): who may ask, which queries are refused and how, period states
 * (409 open, 404 before the log), filters, gzip, and streaming entry by entry while writes go on.
 */
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { bundleChunks, planBundle } from '../../src/ledger/bundle.js';
import { BUNDLE_PAGE_SIZE } from '../../src/ledger/bundle-entries.js';
import { verifyBundle } from '../../src/verify/index.js';
import { summaryText } from '../../src/verify/print.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { CONTROL_OF_INDEX, Q3_CLOSE_SIZE, Q3_FIRST_INDEX, TOTAL_ENTRIES, auth, fetchBundle, postBatch, quarterScenario } from '../verify/scenario.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const indexesOf = (bundle: any): number[] => bundle.entries.map((e: any) => e.index);

let t: TestLedger;
beforeAll(async () => {
  t = await quarterScenario();
});
afterAll(() => t.cleanup());

describe('GET /v1/bundles: access', () => {
  it('needs a token (401) of the auditor or admin role (writer: 403)', async () => {
    await request(t.app).get('/v1/bundles').expect(401);
    await request(t.app).get('/v1/bundles').set(auth(t, 'writer')).expect(403);
    await request(t.app).get('/v1/bundles').set(auth(t, 'admin')).expect(200);
    await request(t.app).get('/v1/bundles').set(auth(t, 'auditor')).expect(200);
  });
});

describe('GET /v1/bundles: queries', () => {
  const get = (query: Record<string, string | string[]>) => request(t.app).get('/v1/bundles').query(query).set(auth(t, 'auditor'));

  it('refuses unknown parameters, naming them (400 problem+json)', async () => {
    const res = await get({ controlID: 'ITGC-AC-04' }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.field).toBe('controlID');
  });

  it('refuses a malformed period, a repeated or an empty filter (400)', async () => {
    expect((await get({ period: '2026-Q5' }).expect(400)).body.field).toBe('period');
    expect((await get({ period: 'last-quarter' }).expect(400)).body.field).toBe('period');
    expect((await get({ system: ['a', 'b'] }).expect(400)).body.field).toBe('system');
    expect((await get({ actor: '' }).expect(400)).body.field).toBe('actor');
  });

  it('answers a provisional bundle for a period that is still open, which the verifier reports as PROVISIONAL', async () => {
    const { bundle } = await fetchBundle(t, { period: '2026-Q4' });
    expect(bundle.provisional).toBe(true);
    expect(bundle.anchor).toEqual(bundle.latest);
    expect(indexesOf(bundle)).toEqual(range(Q3_CLOSE_SIZE, TOTAL_ENTRIES));
    const report = verifyBundle(nodeCrypto, bundle, (await request(t.app).get('/v1/key')).body.verifierKey);
    expect(report.ok).toBe(true);
    expect(report.summary.provisional).toBe(true);
    expect(summaryText(report.summary)).toContain('PROVISIONAL: period 2026-Q4 is still open');
  });

  it('answers 404 for a period that ended before the first entry', async () => {
    await get({ period: '2026-Q1' }).expect(404);
    await get({ period: '2026-06-29' }).expect(404);
  });

  it('serves JSON as a download named for its scope and anchor size', async () => {
    const { res } = await fetchBundle(t, { period: '2026-Q3' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="evidence-bundle-2026-Q3-${Q3_CLOSE_SIZE}.json"`);
  });

  it('filters by controlId, system, actor and subject, within the period', async () => {
    const q3 = range(Q3_FIRST_INDEX, Q3_CLOSE_SIZE);
    expect(indexesOf((await fetchBundle(t, { period: '2026-Q3', controlId: 'ITGC-AC-07', system: 'payments-api-prod' })).bundle)).toEqual(
      q3.filter((i) => CONTROL_OF_INDEX[i] === 'ITGC-AC-07'),
    );
    // A period and a control alone: a report bundle, with the control's history from its first entry.
    expect(indexesOf((await fetchBundle(t, { period: '2026-Q3', controlId: 'ITGC-AC-07' })).bundle)).toEqual(
      range(0, Q3_CLOSE_SIZE).filter((i) => CONTROL_OF_INDEX[i] === 'ITGC-AC-07'),
    );
    // Without a period: everything below the latest checkpoint. approval(7) is the only workday-prod record.
    expect(indexesOf((await fetchBundle(t, { system: 'workday-prod' })).bundle)).toEqual([7]);
    expect(indexesOf((await fetchBundle(t, { actor: 'spiffe://corp/vault-rotator' })).bundle)).toEqual(
      range(0, TOTAL_ENTRIES).filter((i) => CONTROL_OF_INDEX[i] === 'ITGC-AC-07'),
    );
    expect(indexesOf((await fetchBundle(t, { subject: 'svc-3' })).bundle)).toEqual([3]);
    expect(indexesOf((await fetchBundle(t, { subject: 'nobody' })).bundle)).toEqual([]);
  });

  it('serves bundles that verify, empty ones included', async () => {
    const queries: Record<string, string>[] = [{}, { period: '2026-Q3' }, { period: '2026-09' }, { subject: 'nobody' }, { period: '2026-Q3', controlId: 'ITGC-AC-04' }];
    for (const query of queries) {
      const { bundle } = await fetchBundle(t, query);
      const report = verifyBundle(nodeCrypto, bundle, t.ledger.key().verifierKey);
      expect({ query, problems: report.problems, ok: report.ok }).toEqual({ query, problems: [], ok: true });
    }
  });

  it('answers the same JSON gzipped for Accept: application/gzip', async () => {
    const plain = (await fetchBundle(t, { period: '2026-Q3' })).text;
    const res = await request(t.app)
      .get('/v1/bundles')
      .query({ period: '2026-Q3' })
      .set(auth(t, 'auditor'))
      .set('Accept', 'application/gzip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toMatch(/\.json\.gz"$/);
    expect(gunzipSync(res.body as Buffer).toString('utf8')).toBe(plain);
  });
});

describe('producing bundles', () => {
  it('answers 400 before the first checkpoint is signed', async () => {
    const fresh = openTestLedger();
    try {
      await request(fresh.app).get('/v1/bundles').set(auth(fresh, 'auditor')).expect(400);
    } finally {
      fresh.cleanup();
    }
  });

  it('streams entry by entry, one per line, and lets the writer append in the middle of a page of rows', async () => {
    const big = openTestLedger();
    try {
      const total = 3 * BUNDLE_PAGE_SIZE + 17;
      for (let i = 0; i < total; i += 500) {
        await postBatch(big, range(i, Math.min(total, i + 500)).map((n) => rotation(n)));
      }
      big.ledger.tick();
      const plan = planBundle(big.ledger, {});
      const chunks = bundleChunks(big.store, plan, nodeCrypto);
      const texts: string[] = [];
      for (let i = 0; i < 1 + BUNDLE_PAGE_SIZE + 5; i++) texts.push(chunks.next().value as string);
      // A write while the bundle is half read: better-sqlite3 would refuse it if a cursor were held open.
      await postBatch(big, [rotation(total)]);
      for (const chunk of chunks) texts.push(chunk);
      expect(texts.length).toBe(1 + total + 1); // head, one chunk per entry, tail
      expect(texts.slice(1, -1).every((chunk) => chunk.match(/"index":/g)?.length === 1)).toBe(true);
      const text = texts.join('');
      expect(text.split('\n').length).toBe(1 + total + 2); // head line, one line per entry, "]}", final newline
      const bundle = JSON.parse(text);
      expect(bundle.entries.length).toBe(total);
      expect(verifyBundle(nodeCrypto, bundle, big.ledger.key().verifierKey).ok).toBe(true);
    } finally {
      big.cleanup();
    }
  });
});
