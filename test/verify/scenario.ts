/**
 * A ledger with entries on both sides of two quarter boundaries, driven by the fake clock,
 * and helpers to fetch bundles from it through the real HTTP API.
 *
 *   index 0-1  received 2026-06-30 (Q2)
 *   index 2-5  received 2026-08-15 (Q3); index 3 occurred in Q2, so it is late
 *   --- 2026-Q3 closes at tree size 6 ---
 *   index 6-8  received 2026-10-01 (Q4)
 */
import request from 'supertest';
import { approval, openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

export const Q2_TIME = Date.parse('2026-06-30T12:00:00.000Z');
export const Q3_TIME = Date.parse('2026-08-15T09:30:00.000Z');
export const Q3_END = Date.parse('2026-10-01T00:00:00.000Z');
/** Just after the Q3 boundary, when the closer has run. */
export const Q4_TIME = Q3_END + 250;

export const Q3_CLOSE_SIZE = 6;
export const Q3_FIRST_INDEX = 2;
export const TOTAL_ENTRIES = 9;

/** controlId of each index, as posted below (approval: ITGC-AC-04, rotation: ITGC-AC-07). */
export const CONTROL_OF_INDEX = [
  'ITGC-AC-04', 'ITGC-AC-07',
  'ITGC-AC-04', 'ITGC-AC-04', 'ITGC-AC-07', 'ITGC-AC-04',
  'ITGC-AC-07', 'ITGC-AC-04', 'ITGC-AC-07',
];

export const auth = (t: TestLedger, role: 'writer' | 'auditor' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });

export async function postBatch(t: TestLedger, records: Record<string, unknown>[]): Promise<void> {
  await request(t.app).post('/v1/entries/batch').set(auth(t, 'writer')).send({ records }).expect(201);
}

/** Builds the scenario above on a fresh ledger; the caller cleans up. */
export async function quarterScenario(): Promise<TestLedger> {
  const t = openTestLedger({ nowMs: Q2_TIME });
  await postBatch(t, [approval(0), rotation(1)]);
  t.ledger.tick();
  t.now.ms = Q3_TIME;
  await postBatch(t, [approval(2), { ...approval(3), occurredAt: '2026-06-29T08:00:00Z' }, rotation(4), approval(5, 'sap-fi-prod')]);
  t.ledger.tick();
  t.now.ms = Q4_TIME;
  t.ledger.tick(); // closes 2026-Q3 (and 2026-09, 2026-09-30, ...) at size 6
  await postBatch(t, [rotation(6), approval(7, 'workday-prod'), rotation(8)]);
  t.ledger.tick();
  return t;
}

/** GET /v1/bundles as an auditor; `text` is the exact body. */
export async function fetchBundle(t: TestLedger, query: Record<string, string> = {}, expectStatus = 200) {
  const res = await request(t.app)
    .get('/v1/bundles')
    .query(query)
    .set(auth(t, 'auditor'))
    .buffer(true)
    .parse((r, done) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => (text += chunk));
      r.on('end', () => done(null, text));
    })
    .expect(expectStatus);
  const text = res.body as string;
  return { res, text, bundle: JSON.parse(text) as any };
}

export function verifierKeyOf(t: TestLedger): string {
  return t.ledger.key().verifierKey;
}
