/** Long reads give the event loop a turn every few milliseconds of work (src/http/long-read.ts). */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { inSlices } from '../../src/http/long-read.js';

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
    let stop = false;
    const tick = () => {
      turns.push(produced);
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    await pipeline(Readable.from(inSlices(counted(), 5), { objectMode: false }), fastReader());
    stop = true;
    // 40 pages of 2 ms in slices of 5 ms: other work ran at many points during the read, not only after it.
    const during = new Set(turns.filter((n) => n > 0 && n < 40));
    expect(during.size).toBeGreaterThanOrEqual(5);
  });

  it('gives all long reads together one slice per turn, so other work waits for one slice, not one per reader', async () => {
    let turn = 0;
    let stop = false;
    const tick = () => {
      turn++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const workIn = new Map<number, Set<string>>();
    const source = function* (name: string) {
      for (let i = 0; i < 15; i++) {
        busy(2);
        (workIn.get(turn) ?? workIn.set(turn, new Set()).get(turn)!).add(name);
        yield `${name} ${i}\n`;
      }
    };
    await Promise.all(['a', 'b', 'c'].map((name) => pipeline(Readable.from(inSlices(source(name), 5), { objectMode: false }), fastReader())));
    stop = true;
    expect(workIn.size).toBeGreaterThan(3);
    for (const [t, names] of workIn) expect([t, names.size]).toEqual([t, 1]);
  });

  it('passes every item, in order', async () => {
    const out: number[] = [];
    for await (const n of inSlices([1, 2, 3, 4, 5], 0)) out.push(n);
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });
});
