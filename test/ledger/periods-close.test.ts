/**
 * Reporting-period closes (contract, "Periods") with a fake clock: every expected tree size
 * below is counted by hand from the receivedAt times the test stamps, never by the closer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { Ledger, type LedgerSettings } from '../../src/ledger/ledger.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { MAX_CLOSES_PER_TICK } from '../../src/ledger/period-closer.js';
import { parseCheckpoint } from '../../src/note/index.js';
import { Store } from '../../src/store/index.js';
import { openTestLedger, rotation, TEST_SETTINGS, type TestLedger } from '../support/ledger.js';

const ms = (iso: string): number => Date.parse(iso);
const DAY_MS = 86_400_000;

let t: TestLedger;
let reopened: { ledger: Ledger; store: Store }[] = [];

afterEach(() => {
  for (const r of reopened) {
    r.ledger.close();
    r.store.close();
  }
  reopened = [];
  t.cleanup();
});

function open(iso: string, settings: Partial<LedgerSettings> = {}): void {
  t = openTestLedger({ nowMs: ms(iso), settings });
}

/** The ledger in use: the test's, or the one reopened last. */
const current = () => reopened.at(-1) ?? { ledger: t.ledger, store: t.store };

/** Appends `count` records with the clock at `iso`; returns their receivedAt. */
async function appendAt(iso: string, count = 1): Promise<string[]> {
  t.now.ms = ms(iso);
  const { ledger } = current();
  const records = Array.from({ length: count }, (_, i) => rotation(ledger.size + i) as unknown as EvidenceRecord);
  const result = await ledger.append('test-writer', records);
  return result.entries.map((e) => e.envelope.receivedAt);
}

function tickAt(iso: string): void {
  t.now.ms = ms(iso);
  current().ledger.tick();
}

function sizes(): Record<string, number> {
  return Object.fromEntries(current().store.periods.list().map((r) => [r.periodId, r.treeSize]));
}

/** A crash (no final tick), then a new Ledger on the same file with the clock at `iso`. */
function crashAndReopen(iso: string, settings: Partial<LedgerSettings> = {}): Ledger {
  current().store.close();
  const store = Store.open(t.dbPath);
  t.now.ms = ms(iso);
  let ledger: Ledger;
  try {
    ledger = Ledger.open({
      store,
      signer: t.signer,
      crypto: nodeCrypto,
      settings: { ...TEST_SETTINGS, ...settings },
      clock: () => t.now.ms,
    });
  } catch (err) {
    store.close();
    throw err;
  }
  reopened.push({ ledger, store });
  return ledger;
}

/** RFC 9162 §2.1.1 MTH, written out independently of src/merkle. */
function mth(leafHashes: Buffer[]): Buffer {
  if (leafHashes.length === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  const h = createHash('sha256').update(Buffer.from([1]));
  return h.update(mth(leafHashes.slice(0, k))).update(mth(leafHashes.slice(k))).digest();
}

function leafHashesUpTo(store: Store, size: number): Buffer[] {
  return [...store.log.iterate(0, size)].map((e) =>
    createHash('sha256').update(Buffer.from([0])).update(e.leaf).digest(),
  );
}

describe('period closes', () => {
  it('closes a day, its month and its quarter at the count of entries received before the end', async () => {
    open('2026-09-29T12:00:00.000Z');
    await appendAt('2026-09-29T12:00:00.000Z'); // 0
    await appendAt('2026-09-29T23:59:59.999Z', 2); // 1, 2
    await appendAt('2026-09-30T00:00:00.000Z'); // 3: exactly at the end of 09-29, so not in it
    tickAt('2026-09-30T00:00:00.500Z');
    expect(sizes()).toEqual({ '2026-09-29': 3 });

    await appendAt('2026-09-30T23:59:59.999Z'); // 4
    await appendAt('2026-10-01T00:00:00.000Z', 2); // 5, 6
    tickAt('2026-10-01T00:00:00.001Z');
    expect(sizes()).toEqual({ '2026-09-29': 3, '2026-09-30': 5, '2026-09': 5, '2026-Q3': 5 });
    const q3 = t.store.periods.get('2026-Q3')!;
    expect(q3).toMatchObject({ kind: 'quarter', start: '2026-07-01T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z' });
    // A period that ended before entry 0 never closes; FY2026 has not ended.
    expect(t.store.periods.get('2026-09-28')).toBeUndefined();
    expect(t.store.periods.get('FY2026')).toBeUndefined();
  });

  it('signs the close checkpoint at exactly that size, with the root of those entries', async () => {
    open('2026-09-30T10:00:00.000Z');
    await appendAt('2026-09-30T10:00:00.000Z', 3);
    await appendAt('2026-10-01T00:00:01.000Z', 2);
    tickAt('2026-10-01T00:00:02.000Z');
    const checkpoint = t.store.checkpoints.at(3)!;
    const body = parseCheckpoint(checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1));
    expect(body.size).toBe(3);
    expect(Buffer.from(body.rootHash).toString('hex')).toBe(mth(leafHashesUpTo(t.store, 3)).toString('hex'));
  });

  it('closes on the next tick when no entry arrives for hours after the boundary', async () => {
    open('2026-09-30T08:00:00.000Z');
    await appendAt('2026-09-30T08:00:00.000Z', 2);
    tickAt('2026-09-30T23:59:59.999Z');
    expect(sizes()).toEqual({});
    tickAt('2026-10-01T05:00:00.000Z');
    expect(sizes()).toEqual({ '2026-09-30': 2, '2026-09': 2, '2026-Q3': 2 });
    expect(t.store.checkpoints.at(2)).toBeDefined();
  });

  it('never closes a period that ends exactly when entry 0 arrives (it would have size 0)', async () => {
    open('2026-10-01T00:00:00.000Z');
    await appendAt('2026-10-01T00:00:00.000Z');
    tickAt('2026-10-02T00:00:00.000Z');
    expect(sizes()).toEqual({ '2026-10-01': 1 });
    const notClosed = () =>
      t.ledger.periods.view({ id: '2026-09-30', kind: 'day', start: ms('2026-09-30T00:00:00Z'), end: ms('2026-10-01T00:00:00Z') });
    expect(notClosed).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('closes nothing while the log is empty', () => {
    open('2026-09-30T08:00:00.000Z');
    tickAt('2026-12-31T00:00:00.000Z');
    expect(sizes()).toEqual({});
  });

  it('closes every period that ended while the service was down, each at its own size', async () => {
    open('2026-06-29T10:00:00.000Z');
    // No tick runs: the service crashes before it could close anything.
    await appendAt('2026-06-29T10:00:00.000Z'); // 0
    await appendAt('2026-06-30T10:00:00.000Z', 2); // 1, 2
    await appendAt('2026-07-01T10:00:00.000Z'); // 3
    await appendAt('2026-07-02T00:00:00.000Z'); // 4
    const ledger = crashAndReopen('2026-07-05T12:00:00.000Z');
    ledger.start();
    expect(sizes()).toEqual({
      '2026-06-29': 1,
      '2026-06-30': 3,
      '2026-06': 3,
      '2026-Q2': 3,
      '2026-07-01': 4,
      '2026-07-02': 5,
      '2026-07-03': 5,
      '2026-07-04': 5,
    });
  });

  it('catches up a long downtime a bounded number of closes per tick', async () => {
    open('2020-01-01T12:00:00.000Z');
    await appendAt('2020-01-01T12:00:00.000Z');
    const ledger = crashAndReopen('2026-01-01T12:00:00.000Z');
    ledger.tick();
    expect(current().store.periods.list()).toHaveLength(MAX_CLOSES_PER_TICK);
    ledger.tick();
    // Hand count, 2020-01-01 .. 2025-12-31: 2192 days (2020 and 2024 are leap years),
    // 72 months, 24 quarters, 6 years.
    const days = (ms('2026-01-01T00:00:00Z') - ms('2020-01-01T00:00:00Z')) / DAY_MS;
    expect(days).toBe(2192);
    expect(current().store.periods.list()).toHaveLength(2192 + 72 + 24 + 6);
    expect(current().store.periods.list('year').map((r) => r.periodId)).toEqual([
      'FY2020', 'FY2021', 'FY2022', 'FY2023', 'FY2024', 'FY2025',
    ]);
  });

  it('names fiscal quarters and years from the fiscal start month (7)', async () => {
    open('2026-06-30T12:00:00.000Z', { fiscalYearStart: 7 });
    await appendAt('2026-06-30T12:00:00.000Z'); // 0
    await appendAt('2026-06-30T23:59:59.999Z'); // 1
    await appendAt('2026-07-01T00:00:00.000Z'); // 2
    tickAt('2026-07-01T00:00:00.000Z'); // the end itself has come: it closes
    expect(sizes()).toEqual({ '2026-06-30': 2, '2026-06': 2, '2026-Q4': 2, FY2026: 2 });
    expect(t.store.periods.get('FY2026')).toMatchObject({ start: '2025-07-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' });
    expect(t.store.periods.get('2026-Q4')).toMatchObject({ start: '2026-04-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' });
  });

  it('refuses to reopen the database with another fiscal year start', async () => {
    open('2026-06-30T12:00:00.000Z', { fiscalYearStart: 7 });
    await appendAt('2026-06-30T12:00:00.000Z');
    tickAt('2026-07-01T00:00:00.000Z');
    expect(() => crashAndReopen('2026-07-01T00:00:01.000Z', { fiscalYearStart: 1 })).toThrow(
      expect.objectContaining({ code: 'FISCAL_START_MISMATCH' }),
    );
  });

  it('resumes periods that share the last closed end when a tick stopped between them', async () => {
    open('2026-09-30T08:00:00.000Z');
    await appendAt('2026-09-30T08:00:00.000Z', 2);
    // As if a tick had recorded the day but not its month and quarter.
    t.store.periods.add({
      periodId: '2026-09-30', kind: 'day', start: '2026-09-30T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z', treeSize: 2, closedAt: 'x',
    });
    tickAt('2026-10-01T00:00:01.000Z');
    expect(sizes()).toEqual({ '2026-09-30': 2, '2026-09': 2, '2026-Q3': 2 });
  });
});

describe('receivedAt floor', () => {
  it('keeps a clock that steps back after a close from stamping an entry into the closed period', async () => {
    open('2026-09-30T08:00:00.000Z');
    await appendAt('2026-09-30T08:00:00.000Z');
    tickAt('2026-10-01T00:00:05.000Z');
    expect(sizes()['2026-09-30']).toBe(1);
    const [stamped] = await appendAt('2026-09-30T23:00:00.000Z'); // the clock stepped back
    expect(stamped).toBe('2026-10-01T00:00:00.000Z');
    expect(t.store.log.countReceivedBefore('2026-10-01T00:00:00.000Z')).toBe(1);
  });

  it('keeps it across a restart', async () => {
    open('2026-09-30T08:00:00.000Z');
    await appendAt('2026-09-30T08:00:00.000Z');
    tickAt('2026-10-01T00:00:05.000Z');
    crashAndReopen('2026-09-30T22:00:00.000Z'); // back before the closed end
    const [stamped] = await appendAt('2026-09-30T22:00:00.000Z');
    expect(stamped).toBe('2026-10-01T00:00:00.000Z');
  });
});

describe('reading closes', () => {
  it('links a close to the previous one of its kind, with an empty proof for equal sizes', async () => {
    open('2026-09-29T08:00:00.000Z');
    await appendAt('2026-09-29T08:00:00.000Z');
    tickAt('2026-09-30T00:00:01.000Z');
    tickAt('2026-10-01T00:00:01.000Z');
    const { ledger } = current();
    const first = ledger.periods.view({ id: '2026-09-29', kind: 'day', start: ms('2026-09-29T00:00:00Z'), end: ms('2026-09-30T00:00:00Z') });
    expect(first.previous).toBeNull();
    const second = ledger.periods.view({ id: '2026-09-30', kind: 'day', start: ms('2026-09-30T00:00:00Z'), end: ms('2026-10-01T00:00:00Z') });
    expect(second.previous).toEqual({ period: '2026-09-29', treeSize: 1, consistency: [] });
    expect(ledger.periods.list('month')).toEqual([
      { period: '2026-09', start: '2026-09-01T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z', treeSize: 1 },
    ]);
  });

  it('answers PERIOD_OPEN before the close and NOT_FOUND before the first entry', async () => {
    open('2026-09-29T08:00:00.000Z');
    await appendAt('2026-09-29T08:00:00.000Z');
    const { ledger } = current();
    const code = (id: string, start: string, end: string) => {
      try {
        ledger.periods.view({ id, kind: 'day', start: ms(start), end: ms(end) });
        return 'ok';
      } catch (err) {
        return (err as LedgerError).code;
      }
    };
    expect(code('2026-09-28', '2026-09-28T00:00:00Z', '2026-09-29T00:00:00Z')).toBe('NOT_FOUND');
    expect(code('2026-09-29', '2026-09-29T00:00:00Z', '2026-09-30T00:00:00Z')).toBe('PERIOD_OPEN');
    t.now.ms = ms('2026-09-30T00:00:00.500Z'); // ended, not yet closed by a tick
    expect(code('2026-09-29', '2026-09-29T00:00:00Z', '2026-09-30T00:00:00Z')).toBe('PERIOD_OPEN');
    ledger.tick();
    expect(code('2026-09-29', '2026-09-29T00:00:00Z', '2026-09-30T00:00:00Z')).toBe('ok');
  });
});

describe('period_closes table', () => {
  it('is append-only and refuses a close of size 0', async () => {
    open('2026-09-30T08:00:00.000Z');
    await appendAt('2026-09-30T08:00:00.000Z');
    tickAt('2026-10-01T00:00:01.000Z');
    const db = t.store.db;
    expect(() => db.prepare("UPDATE period_closes SET tree_size = 5 WHERE period_id = '2026-09-30'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM period_closes WHERE period_id = '2026-09-30'").run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT OR REPLACE INTO period_closes VALUES ('2026-09-30', 'day', 'a', 'b', 9, 'x')").run()).toThrow(/append-only/);
    expect(() =>
      t.store.periods.add({ periodId: '2026-10-01', kind: 'day', start: '2026-10-01T00:00:00.000Z', end: '2026-10-02T00:00:00.000Z', treeSize: 0, closedAt: 'x' }),
    ).toThrow(/CHECK/);
  });
});
