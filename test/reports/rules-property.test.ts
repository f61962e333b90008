/**
 * The shared rules (src/reports) against the naive reading of the contract (naive-reference.ts),
 * on many random histories held in memory: every period of 2026-Q1..Q3 and an open one as of a
 * random time, each control. Fast enough for hundreds of runs; reports-property.test.ts does the
 * same through the real server and the bundle verifier.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeReport, type ReportEntry } from '../../src/reports/index.js';
import { CONTROLS, historyArb } from './history-arbitrary.js';
import { naiveReport } from './naive-reference.js';

const WINDOWS = [
  { id: '2026-Q1', start: '2026-01-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
  { id: '2026-Q2', start: '2026-04-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' },
  { id: '2026-Q3', start: '2026-07-01T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z' },
  { id: '2026-08', start: '2026-08-01T00:00:00.000Z', end: '2026-09-01T00:00:00.000Z' },
];

describe('report rules', () => {
  it('agree with the naive reading of the contract', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(historyArb(60), fc.integer({ min: 0, max: 90 * 86_400_000 }), (plan, openFor) => {
        const entries: ReportEntry[] = plan.map((p, index) => ({
          index,
          leafHash: index.toString(16).padStart(64, '0'),
          receivedAt: new Date(p.receivedAtMs).toISOString(),
          record: p.record as unknown as ReportEntry['record'],
        }));
        const naiveEntries = entries.map((e) => ({ ...e, receivedAt: e.receivedAt! }));
        const anchor = { treeSize: entries.length, rootHash: 'ab'.repeat(32) };
        for (const w of WINDOWS) {
          const startMs = Date.parse(w.start);
          const firstIndex = entries.findIndex((e) => Date.parse(e.receivedAt!) >= startMs);
          const cases = [
            { provisional: false, asOfMs: Date.parse(w.end) },
            { provisional: true, asOfMs: Math.min(startMs + openFor, Date.parse(w.end)) },
          ];
          for (const { provisional, asOfMs } of cases) {
            for (const controlId of CONTROLS) {
              const scope = { period: w.id, controlId, provisional, startMs, asOfMs, anchor, firstIndex: firstIndex < 0 ? entries.length : firstIndex };
              const ours = computeReport(scope, entries.filter((e) => e.record!.controlId === controlId));
              const asOf = new Date(asOfMs).toISOString();
              expect(ours).toEqual(naiveReport({ period: w.id, controlId, provisional, start: w.start, asOf, anchor, entries: naiveEntries }));
              for (const e of ours.exceptions) seen.add(e.rule);
              seen.add(ours.result);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // The histories are rich enough that every rule and every result occurred.
    expect([...seen].sort()).toEqual(
      ['change_unapproved', 'credential_lifetime', 'effective', 'exceptions', 'no_evidence', 'remediation_overdue', 'revocation_late', 'rotation_overdue', 'self_approval', 'session_without_ticket', 'undefined'],
    );
  }, 120_000);
});
