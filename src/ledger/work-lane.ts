/**
 * The one lane every long read (bundles, reports, samples) does its work on, so that appends,
 * checkpoints and health checks never wait for more than one short slice of it. Everything in
 * the service runs on one thread: a loop over a log-sized range that never gives the event loop
 * a turn holds every other request for its whole length (outside testing saw a 40 s append).
 *
 * The work is cut into slices of at most {@link SLICE_MS}, and ALL long work shares the lane:
 * one slice per event-loop turn, whoever's turn it is (first come, first served), granted with
 * setImmediate (after the poll phase, where pending requests are read). However many readers
 * there are, an append waits for at most one slice per turn. The budget is only kept if each
 * item is small: sources yield one entry, not a page of them.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Long-read work done in one event-loop turn, by all long reads together. */
export const SLICE_MS = 2;

class Lane {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Resolves in a later macrotask turn, once the lane is this caller's. */
  async acquire(): Promise<void> {
    await nextTurn();
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /**
   * Hands the lane on in the next turn: it stays held until then, so a reader that wakes later in
   * this same turn queues instead of running a second slice in it.
   */
  release(): void {
    setImmediate(() => {
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    });
  }
}

const lane = new Lane();

/**
 * The items of `source` in slices: each slice computes items (a generator does its work in
 * next()) for at most `sliceMs` of wall time on the shared lane, and is handed on whole after
 * the lane is released, so what the caller does with it runs outside the budget.
 */
export async function* slices<T>(source: Iterable<T>, sliceMs = SLICE_MS): AsyncGenerator<T[]> {
  const items = source[Symbol.iterator]();
  for (;;) {
    await lane.acquire();
    const made: T[] = [];
    let done = false;
    try {
      const start = performance.now();
      do {
        const next = items.next();
        if (next.done) done = true;
        else made.push(next.value);
      } while (!done && performance.now() - start < sliceMs);
    } finally {
      lane.release();
    }
    if (made.length > 0) yield made;
    if (done) return;
  }
}

/** The items of `source`, one by one, computed in {@link slices}. */
export async function* inSlices<T>(source: Iterable<T>, sliceMs = SLICE_MS): AsyncGenerator<T> {
  for await (const made of slices(source, sliceMs)) yield* made;
}

/**
 * Runs `work`, a generator that yields between small units of work, in slices on the lane, and
 * resolves to what it returns (a listing page: its work is bounded, but a page of 1,000 strictly
 * decoded entries is far more than one slice).
 */
export async function runInSlices<R>(work: Generator<unknown, R>, sliceMs = SLICE_MS): Promise<R> {
  let result: { value: R } | undefined;
  function* units(): Generator<unknown> {
    result = { value: yield* work };
  }
  for await (const _ of slices(units(), sliceMs));
  return result!.value;
}

/**
 * Calls `fn` on every item of `source` inside the slices, so the work `fn` does counts against
 * the budget too (for a consumer that is the heavy part: a report decoding each leaf).
 */
export async function forEachInSlices<T>(source: Iterable<T>, fn: (item: T) => void, sliceMs = SLICE_MS): Promise<void> {
  function* applied(): Generator<undefined> {
    for (const item of source) {
      fn(item);
      yield undefined;
    }
  }
  for await (const _ of slices(applied(), sliceMs));
}
