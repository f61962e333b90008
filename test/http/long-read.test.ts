/** Long reads give the event loop a turn every few milliseconds of work (src/http/long-read.ts). */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { inSlices, textInSlices } from '../../src/http/long-read.js';
import { bundleChunks, planBundle } from '../../src/ledger/bundle.js';
import { BUNDLE_PAGE_SIZE } from '../../src/ledger/bundle-entries.js';
import { eachRow } from '../../src/ledger/reports.js';
import { listEntries } from '../../src/http/routes/entry-listing.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { postBatch } from '../verify/scenario.js';

/** Busy work of about `ms` milliseconds: the CPU a page of bundle entries costs. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

function* pages(count: number, ms: number): Generator<string> {
  for (let i = 0; i < count; i++) {
    busy(ms);
    yield `page ${i}\n`;
  }
}

/** A reader as fast as can be: takes every chunk at once, as a fast socket does. */
const fastReader = () => new Writable({ write: (_c, _e, done) => done() });

/**
 * Other work on the event loop: counts macrotask turns (one setImmediate each) until stopped,
 * calling `onTurn` at each.
 */
function turnCounter(onTurn: () => void = () => {}): { turn: () => number; stop: () => void } {
  let turn = 0;
  let stopped = false;
  const tick = () => {
    turn++;
    onTurn();
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return { turn: () => turn, stop: () => (stopped = true) };
}

describe('long reads in slices', () => {
  it('lets other work run between slices while a fast reader takes everything', async () => {
    const turns: number[] = [];
    let produced = 0;
    const counted = function* () {
      for (const page of pages(40, 2)) {
        produced++;
        yield page;
      }
    };
    // Other requests: each macrotask turn notes how many pages were made by then.
    const other = turnCounter(() => turns.push(produced));
    await pipeline(Readable.from(inSlices(counted(), 5), { objectMode: false }), fastReader());
    other.stop();
    // 40 pages of 2 ms in slices of 5 ms: other work ran at many points during the read, not only after it.
    const during = new Set(turns.filter((n) => n > 0 && n < 40));
    expect(during.size).toBeGreaterThanOrEqual(5);
  });

  it('gives all long reads together one slice per turn, so other work waits for one slice, not one per reader', async () => {
    const other = turnCounter();
    const workIn = new Map<number, Set<string>>();
    const source = function* (name: string) {
      for (let i = 0; i < 15; i++) {
        busy(2);
        const turn = other.turn();
        (workIn.get(turn) ?? workIn.set(turn, new Set()).get(turn)!).add(name);
        yield `${name} ${i}\n`;
      }
    };
    await Promise.all(['a', 'b', 'c'].map((name) => pipeline(Readable.from(inSlices(source(name), 5), { objectMode: false }), fastReader())));
    other.stop();
    expect(workIn.size).toBeGreaterThan(3);
    for (const [t, names] of workIn) expect([t, names.size]).toEqual([t, 1]);
  });

  it('passes every item, in order', async () => {
    const out: number[] = [];
    for await (const n of inSlices([1, 2, 3, 4, 5], 0)) out.push(n);
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });

  it('passes a slice of text on as one chunk, in order', async () => {
    const out: string[] = [];
    for await (const chunk of textInSlices(['a', 'b', 'c'], 1000)) out.push(chunk);
    expect(out).toEqual(['abc']);
  });
});

/**
 * The unit of work a slice can stop after is one entry, not a page of rows: with no budget at
 * all (one item per slice) a turn proves one entry. A page of 256 proofs was one item before,
 * so whatever the budget a turn did tens of milliseconds of work (appends p50 87 ms).
 */
describe('long reads of the log, one entry per item', () => {
  /** Counts event-loop turns while `run` goes on; `work(turn)` notes one unit of work in that turn. */
  async function perTurn(run: (work: (units: number) => void) => Promise<void>): Promise<number[]> {
    const other = turnCounter();
    const units = new Map<number, number>();
    try {
      await run((n) => units.set(other.turn(), (units.get(other.turn()) ?? 0) + n));
    } finally {
      other.stop();
    }
    return [...units.values()];
  }

  /** A ledger holding more than a page of rotations (`total` of them), for `check`; closed after. */
  async function withRotations(check: (t: TestLedger, total: number) => Promise<void>): Promise<void> {
    const t = openTestLedger();
    try {
      const total = BUNDLE_PAGE_SIZE + 40;
      await postBatch(t, Array.from({ length: total }, (_, i) => rotation(i)));
      await check(t, total);
    } finally {
      t.cleanup();
    }
  }

  it('proves one bundle entry per turn when the budget is zero', () =>
    withRotations(async (t, total) => {
      t.ledger.tick();
      const plan = planBundle(t.ledger, {});
      let text = '';
      const units = await perTurn(async (work) => {
        function* counted(): Generator<string> {
          for (const chunk of bundleChunks(t.store, plan)) {
            work(chunk.match(/"leafHash":/g)?.length ?? 0);
            yield chunk;
          }
        }
        for await (const slice of textInSlices(counted(), 0)) text += slice;
      });
      expect(JSON.parse(text).entries).toHaveLength(total);
      expect(units.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...units)).toBe(1);
    }));

  it('reads a report history one row per turn when the budget is zero', () =>
    withRotations(async (t, total) => {
      const units = await perTurn((work) => eachRow(t.store, {}, 0, total, () => work(1), 0));
      expect(units.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...units)).toBe(1);
    }));

  it('builds a listing page (1,000 strictly decoded entries at most) one entry per turn when the budget is zero', () =>
    withRotations(async (t, total) => {
      for (const query of [{ limit: '1000' }, { limit: '1000', late: 'false' }]) {
        const other = turnCounter();
        const page = await listEntries(t.ledger, query, 0).finally(() => other.stop());
        expect(page.entries).toHaveLength(total);
        expect(page.next).toBeNull();
        // Other work had a turn between every two entries: the page took at least one turn per entry.
        expect(other.turn()).toBeGreaterThanOrEqual(total);
      }
    }));
});

