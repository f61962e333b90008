/**
 * Random evidence histories over three quarters: the server's report (GET /v1/reports), the offline
 * recomputation from the report bundle (`ledger verify`'s verifier) and a naive reading of the
 * contract (naive-reference.ts, no shared code) agree; and leaving out or adding any one entry of
 * a control's history makes the bundle fail, even when the served report is made to match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import request from 'supertest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { decodeLeaf, type EvidenceRecord } from '../../src/evidence/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { computeReport, instantMs } from '../../src/reports/index.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { CONTROLS, historyArb, type PlannedEntry } from './history-arbitrary.js';
import { naiveReport, type NaiveEntry } from './naive-reference.js';

let t: TestLedger | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const QUARTERS = [
  { id: '2026-Q1', start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
  { id: '2026-Q2', start: '2026-04-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' },
  { id: '2026-Q3', start: '2026-07-01T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z' },
];

async function build(plan: PlannedEntry[]): Promise<TestLedger> {
  const tl = openTestLedger({ nowMs: plan[0]!.receivedAtMs });
  for (const p of plan) {
    tl.now.ms = p.receivedAtMs;
    if (p.tickBefore) tl.ledger.tick();
    await tl.ledger.append('test-writer', [p.record as unknown as EvidenceRecord]);
  }
  tl.now.ms = Date.parse('2026-10-01T00:00:05.000Z');
  tl.ledger.tick();
  return tl;
}

function allEntries(tl: TestLedger): NaiveEntry[] {
  return [...tl.store.log.iterate()].map((row) => ({
    index: row.index,
    leafHash: Buffer.from(row.leafHash).toString('hex'),
    receivedAt: row.receivedAt,
    record: decodeLeaf(row.leaf).record,
  }));
}

const get = (tl: TestLedger, path: string) => request(tl.app).get(path).set('Authorization', `Bearer ${tl.tokens.auditor}`);

describe('control reports on random histories', () => {
  it('server, offline verifier and the naive reading of the contract agree', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(24), async (plan) => {
        t?.cleanup();
        t = await build(plan);
        const key = (await request(t.app).get('/v1/key').expect(200)).body.verifierKey as string;
        const entries = allEntries(t);
        for (const q of QUARTERS) {
          // A quarter that ended at or before the first entry never closes (contract, "Periods"): 404.
          if (Date.parse(q.end) <= plan[0]!.receivedAtMs) {
            await get(t, `/v1/periods/${q.id}`).expect(404);
            await get(t, `/v1/reports/${q.id}?controlId=${CONTROLS[0]}`).expect(404);
            continue;
          }
          const close = (await get(t, `/v1/periods/${q.id}`).expect(200)).body;
          for (const controlId of [...CONTROLS, 'ITGC-NONE-99']) {
            const served = (await get(t, `/v1/reports/${q.id}?controlId=${controlId}`).expect(200)).body;
            const anchor = { treeSize: close.treeSize, rootHash: served.anchor.rootHash };
            const naive = naiveReport({ period: q.id, controlId, provisional: false, start: q.start, asOf: q.end, anchor, entries });
            expect(served).toEqual(naive);
            if (process.env.REPORT_STATS) for (const e of served.exceptions) console.log('RULE', e.rule, served.result);
            const bundle = (await get(t, `/v1/bundles?period=${q.id}&controlId=${controlId}`).expect(200)).body;
            const verdict = verifyBundle(nodeCrypto, bundle, key);
            expect(verdict.problems).toEqual([]);
            expect(verdict.entries.filter((e) => !e.ok)).toEqual([]);
            expect(verdict.ok).toBe(true);
            expect(verdict.summary.control?.report).toEqual(served);
            expect(verdict.summary.control?.complete).toBe(true);
          }
          const summary = (await get(t, `/v1/reports/${q.id}`).expect(200)).body;
          for (const row of summary.controls) {
            const one = (await get(t, `/v1/reports/${q.id}?controlId=${row.controlId}`).expect(200)).body;
            expect(row).toEqual({ controlId: row.controlId, definition: one.definition, population: one.population.count, exceptions: one.exceptions.length, result: one.result });
          }
        }
      }),
      { numRuns: 6 },
    );
  }, 600_000);

  it('leaving out or adding any one entry of the history fails verification, even with a report made to match', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(16), fc.nat(), fc.constantFrom(...QUARTERS), async (plan, pick, q) => {
        t?.cleanup();
        t = await build(plan);
        if (Date.parse(q.end) <= plan[0]!.receivedAtMs) return; // never closes (404), tested above
        const key = (await request(t.app).get('/v1/key').expect(200)).body.verifierKey as string;
        const controlId = (plan[pick % plan.length]!.record as { controlId: string }).controlId;
        const bundle = (await get(t, `/v1/bundles?period=${q.id}&controlId=${controlId}`).expect(200)).body;
        expect(verifyBundle(nodeCrypto, bundle, key).ok).toBe(true);
        const history = bundle.entries as { index: number; leaf: string; leafHash: string }[];
        const others = [...t.store.log.iterate()].filter((r) => r.controlId !== controlId && r.index < bundle.anchor.treeSize);

        const tampered: { index: number; leaf: string; leafHash: string }[][] = [];
        if (history.length > 0) tampered.push(history.filter((_, i) => i !== pick % history.length));
        if (history.length > 0) {
          const dup = history[pick % history.length]!;
          tampered.push([...history, dup].sort((a, b) => a.index - b.index));
        }
        if (others.length > 0) {
          // A genuine entry of the log, from another control, slipped in with its true proof.
          const row = others[pick % others.length]!;
          const proof = (await get(t, `/v1/bundles?period=${q.id}`).expect(200)).body.entries.find((e: { index: number }) => e.index === row.index);
          if (proof) tampered.push([...history, proof].sort((a, b) => a.index - b.index));
        }
        for (const [n, entries] of tampered.entries()) {
          // The producer also serves the report recomputed on what it shows, so only completeness can tell.
          const scope = {
            period: q.id,
            controlId,
            provisional: false,
            startMs: instantMs(q.start),
            asOfMs: instantMs(q.end),
            anchor: bundle.control.report.anchor,
            firstIndex: bundle.period.firstIndex,
          };
          let report: unknown = bundle.control.report;
          try {
            report = computeReport(
              scope,
              entries.map((e) => {
                const env = decodeLeaf(Buffer.from(e.leaf, 'base64'));
                return { index: e.index, leafHash: e.leafHash, receivedAt: env.receivedAt, record: env.record };
              }),
            );
          } catch {
            // duplicates are refused by the builder; keep the served report
          }
          const forged = { ...bundle, entries, control: { ...bundle.control, report } };
          const verdict = verifyBundle(nodeCrypto, forged, key);
          expect(verdict.ok).toBe(false);
          // Leaving one out breaks nothing else: the signed control head is what catches it.
          if (n === 0 && history.length > 0) expect(verdict.problems.map((p) => p.code)).toContain('INCOMPLETE_HISTORY');
        }
      }),
      { numRuns: 8 },
    );
  }, 600_000);
});
