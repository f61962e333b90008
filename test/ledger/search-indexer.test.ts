/**
 * The search indexer behind a real ledger: it keeps the lag bounded under a continuous stream
 * of appends, catches up when idle, resumes after a restart, and a failing step is reported
 * and retried without ever failing an append.
 */
import path from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { Ledger } from '../../src/ledger/ledger.js';
import type { SearchIndexerSettings } from '../../src/ledger/search-indexer.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { SEARCH_FIELD_NAMES, Store } from '../../src/store/index.js';
import { openTestLedger, rotation, testSigner, TEST_SETTINGS } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';

const INDEXER: SearchIndexerSettings = { stepEntries: 50, lagCap: 300, retryMs: 20, partialStepDelayMs: 10 };

let t: ReturnType<typeof tempDir>;
let dbPath: string;
const open: { store: Store; ledger: Ledger }[] = [];

beforeEach(() => {
  t = tempDir('ledger-indexer-');
  dbPath = path.join(t.dir, 'ledger.db');
});

afterEach(() => {
  for (const { store, ledger } of open.splice(0)) {
    ledger.close();
    store.close();
  }
  t.cleanup();
});

function openLedger(
  onError: (message: string, err?: unknown) => void = () => {},
  indexer: Partial<SearchIndexerSettings> = {},
): { store: Store; ledger: Ledger } {
  const store = Store.open(dbPath);
  const ledger = Ledger.open({
    store,
    signer: testSigner(),
    crypto: nodeCrypto,
    // batchWaitMs 0: every submission of a turn commits at the end of it, so a stream keeps the queue busy.
    settings: { ...TEST_SETTINGS, batchMax: 40, batchWaitMs: 0, queueMax: 100_000 },
    onError,
    searchIndexer: { ...INDEXER, ...indexer },
  });
  const opened = { store, ledger };
  open.push(opened);
  return opened;
}

function closeLedger(o: { store: Store; ledger: Ledger }): void {
  open.splice(open.indexOf(o), 1);
  o.ledger.close();
  o.store.close();
}

const records = (from: number, count: number): EvidenceRecord[] =>
  Array.from({ length: count }, (_, i) => rotation(from + i) as EvidenceRecord);

/**
 * Appends `total` records as a stream of 1..30-record submissions, `inFlight` of them always
 * waiting, so the sequencer's queue is never empty; samples the lag after each settles.
 */
async function stream(ledger: Ledger, total: number, inFlight = 40): Promise<{ maxLag: number; maxQueued: number }> {
  let maxLag = 0;
  let maxQueued = 0;
  let next = 0;
  const pending = new Set<Promise<unknown>>();
  while (next < total || pending.size) {
    while (next < total && pending.size < inFlight) {
      const count = Math.min(1 + (next % 30), total - next);
      const p = ledger.append('writer', records(next, count)).then(() => {
        maxLag = Math.max(maxLag, ledger.searchLag);
        maxQueued = Math.max(maxQueued, ledger.queued);
        pending.delete(p);
      });
      pending.add(p);
      next += count;
    }
    await Promise.race(pending);
  }
  return { maxLag, maxQueued };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const searchRows = (store: Store): number => store.db.prepare('SELECT count(*) FROM entry_search').pluck().get() as number;

describe('search indexer', () => {
  it('step indexes the next entries, all fields of each, and records its progress', async () => {
    const { store, ledger } = openLedger();
    await ledger.append('writer', records(0, 25));
    expect(ledger.indexSearchStep(10)).toBe(10);
    expect(ledger.indexSearchStep(100)).toBe(15);
    expect(ledger.indexSearchStep(100)).toBe(0);
    expect(searchRows(store)).toBe(25 * SEARCH_FIELD_NAMES.length);
    expect(store.db.prepare('SELECT through FROM search_batches ORDER BY through').pluck().all()).toEqual([10, 25]);
    expect(ledger.searchLag).toBe(0);
  });

  it('without the indexer running, a stream leaves the whole log unindexed (the control for the next test)', async () => {
    const { ledger } = openLedger();
    const { maxQueued } = await stream(ledger, 2000);
    expect(maxQueued).toBeGreaterThan(0);
    expect(ledger.searchLag).toBe(2000);
  });

  it('under a continuous stream of appends the lag never exceeds the cap plus one step', async () => {
    const { ledger } = openLedger();
    ledger.start();
    const { maxLag, maxQueued } = await stream(ledger, 3000);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxLag).toBeLessThanOrEqual(INDEXER.lagCap + INDEXER.stepEntries);
    expect(ledger.searchIndexedThrough).toBeGreaterThan(0);
  });

  it('far over the cap, a group commit that settles many appends runs one step in that turn, not one per append', async () => {
    const { store, ledger } = openLedger();
    await stream(ledger, 2000);
    ledger.start(); // one step at once, then idle steps on later turns
    const steps = () => store.db.prepare('SELECT count(*) FROM search_batches').pluck().get() as number;
    // 40 submissions, one group commit: all settle, and poke, within one turn; each answer
    // notes how many steps have run by then.
    const seen: number[] = [];
    await Promise.all(Array.from({ length: 40 }, (_, i) => ledger.append('writer', records(5000 + i, 1)).then(() => seen.push(steps()))));
    expect(ledger.searchLag).toBeGreaterThan(INDEXER.lagCap);
    expect(Math.max(...seen) - Math.min(...seen)).toBeLessThanOrEqual(1);
  });

  it('when idle it catches up to a lag of zero, indexing every entry', async () => {
    const { store, ledger } = openLedger();
    await stream(ledger, 1000);
    expect(ledger.searchLag).toBe(1000);
    ledger.start();
    await until(() => ledger.searchLag === 0);
    expect(ledger.searchIndexedThrough).toBe(1000);
    expect(store.search.indexedThrough()).toBe(1000);
    expect(searchRows(store)).toBe(1000 * SEARCH_FIELD_NAMES.length);
  });

  it('less than a step waits for the partial-step delay: no extra commit after every small append', async () => {
    const { ledger } = openLedger(undefined, { partialStepDelayMs: 1000 });
    ledger.start();
    await ledger.append('writer', records(0, 10));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ledger.searchIndexedThrough).toBe(0);
    await until(() => ledger.searchLag === 0);
    expect(ledger.searchIndexedThrough).toBe(10);
  });

  it('a restart resumes where it stopped', async () => {
    const first = openLedger();
    await stream(first.ledger, 500);
    first.ledger.indexSearchStep(120);
    first.ledger.indexSearchStep(80);
    closeLedger(first);

    const second = openLedger();
    expect(second.ledger.searchIndexedThrough).toBe(200);
    expect(second.ledger.searchLag).toBe(300);
    second.ledger.start();
    await until(() => second.ledger.searchLag === 0);
    // Every step went on from the last one: 200 was never indexed twice (the primary key would refuse it).
    const batches = second.store.db.prepare('SELECT through FROM search_batches ORDER BY through').pluck().all() as number[];
    expect(batches.slice(0, 2)).toEqual([120, 200]);
    expect(batches.at(-1)).toBe(500);
    expect(searchRows(second.store)).toBe(500 * SEARCH_FIELD_NAMES.length);
  });

  it('a failing step is reported, appends still succeed, and it is retried later', async () => {
    const errors: string[] = [];
    const { store, ledger } = openLedger((message) => errors.push(message));
    const failing = vi.spyOn(store.search, 'indexRange').mockImplementation(() => {
      throw new Error('database or disk is full');
    });
    ledger.start();
    const results = await Promise.all([0, 1, 2].map((i) => ledger.append('writer', records(i * 10, 10))));
    expect(results.flatMap((r) => r.entries.map((e) => e.index))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/search index step failed at entry 0/);
    expect(ledger.searchIndexedThrough).toBe(0);
    expect(ledger.size).toBe(30);

    failing.mockRestore();
    await until(() => ledger.searchLag === 0);
    expect(searchRows(store)).toBe(30 * SEARCH_FIELD_NAMES.length);
    // Listings were right all along and still are.
    expect(store.log.list({ subjectId: 'svc-ledger-export-17' }, 10).map((r) => r.index)).toEqual([17]);
  });

  it('close stops it: no step runs after the ledger closes', async () => {
    const errors: string[] = [];
    const o = openLedger((message) => errors.push(message));
    await stream(o.ledger, 300);
    o.ledger.start(); // an idle step is now scheduled for the next turn
    closeLedger(o);
    // The step was queued with setImmediate before this one: once ours runs, it would have run.
    await new Promise((r) => setImmediate(r));
    // A step on the closed store would have failed and been reported.
    expect(errors).toEqual([]);
    const store = Store.open(dbPath, { readonly: true });
    expect(store.search.indexedThrough()).toBe(0);
    store.close();
  });

  it('/readyz reports the progress and the lag, and stays ready whatever the lag', async () => {
    const tl = openTestLedger();
    try {
      await tl.ledger.append('writer', records(0, 12));
      tl.ledger.tick();
      const before = await request(tl.app).get('/readyz');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ status: 'ready', searchIndexedThrough: 0, searchLag: 12 });
      tl.ledger.indexSearchStep(5);
      expect((await request(tl.app).get('/readyz')).body).toMatchObject({ searchIndexedThrough: 5, searchLag: 7 });
    } finally {
      tl.cleanup();
    }
  });
});
