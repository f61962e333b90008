/**
 * Sending a long answer (a bundle, an export, a report) without stalling appends. Everything in
 * the service runs on one thread: a generator that computes chunk after chunk for a reader that
 * keeps up never gives the event loop a turn, because writes to a fast socket complete in
 * microtasks, and appends, checkpoints and health checks wait for the whole download (outside
 * testing saw a 40 s append). So the work is cut into slices of at most {@link SLICE_MS}: after
 * each, the sender waits for a macrotask turn (setImmediate: after the poll phase, where pending
 * requests are read), and writes honour the socket's back-pressure (pipeline).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import type { Request, Response } from 'express';

/** Work one long read may do before the event loop gets a turn. Three at once stay under 50 ms. */
export const SLICE_MS = 5;

/**
 * The items of `source`, yielding the event loop whenever `sliceMs` of wall time has passed
 * since the last turn (the time includes computing the items: a generator does its work in next()).
 */
export async function* inSlices<T>(source: Iterable<T>, sliceMs = SLICE_MS): AsyncGenerator<T> {
  let sliceStart = performance.now();
  for (const item of source) {
    yield item;
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
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
