/**
 * Sending a long answer (a bundle, an export, a report) without stalling appends. Everything in
 * the service runs on one thread: a generator that computes chunk after chunk for a reader that
 * keeps up never gives the event loop a turn, because writes to a fast socket complete in
 * microtasks, and appends, checkpoints and health checks wait for the whole download (outside
 * testing saw a 40 s append). So the work is cut into slices of at most {@link SLICE_MS}, and
 * ALL long reads share one lane: one slice per event-loop turn, whoever's turn it is (first come,
 * first served), granted with setImmediate (after the poll phase, where pending requests are
 * read). However many bundles stream, an append waits for at most one slice per turn. The
 * chunks a slice made are written after it gives the lane up, honouring the socket's
 * back-pressure (pipeline), so a slow reader never holds the lane.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import type { Request, Response } from 'express';

/** Long-read work done in one event-loop turn, by all long reads together. */
export const SLICE_MS = 5;

/** The one lane long reads take turns on: at most one slice per event-loop turn. */
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
 * The items of `source`, computed in slices of at most `sliceMs` of wall time on the shared
 * lane (the time includes computing the items: a generator does its work in next()); a slice's
 * items are handed on after the lane is released.
 */
export async function* inSlices<T>(source: Iterable<T>, sliceMs = SLICE_MS): AsyncGenerator<T> {
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
    yield* made;
    if (done) return;
  }
}

/**
 * Streams the text chunks of `source` as the body of `res` (status and headers already set),
 * gzipped when `gzip`, in slices. A failure after the headers went can only cut the body short,
 * which no verifier accepts; it is logged and the connection closed.
 */
export async function sendLongRead(req: Request, res: Response, source: Iterable<string>, options: { gzip?: boolean } = {}): Promise<void> {
  const body = Readable.from(inSlices(source), { objectMode: false });
  try {
    await (options.gzip ? pipeline(body, createGzip(), res) : pipeline(body, res));
  } catch (err) {
    req.log?.warn({ err }, 'long read aborted');
    res.destroy();
  }
}
