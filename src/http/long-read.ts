/**
 * Sending a long answer (a bundle, an export, a report) without stalling appends: the text is
 * computed in slices on the ledger's shared work lane (src/ledger/work-lane.ts: at most one
 * short slice of all long work per event-loop turn), and each slice's text goes out as ONE
 * chunk after the lane is released, honouring the socket's back-pressure (pipeline), so a slow
 * reader never holds the lane and a fast one costs one socket write per slice, not per entry.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Request, Response } from 'express';
import { slices } from '../ledger/work-lane.js';

export { SLICE_MS, inSlices } from '../ledger/work-lane.js';

/** The text of `source`, one chunk per slice. */
export async function* textInSlices(source: Iterable<string>, sliceMs?: number): AsyncGenerator<string> {
  for await (const made of slices(source, sliceMs)) yield made.join('');
}

/**
 * Streams the text chunks of `source` as the body of `res` (status and headers already set),
 * gzipped when `gzip`, in slices. A failure after the headers went can only cut the body short,
 * which no verifier accepts; it is logged and the connection closed.
 */
export async function sendLongRead(req: Request, res: Response, source: Iterable<string>, options: { gzip?: boolean } = {}): Promise<void> {
  const body = Readable.from(textInSlices(source), { objectMode: false });
  try {
    await (options.gzip ? pipeline(body, createGzip(), res) : pipeline(body, res));
  } catch (err) {
    req.log?.warn({ err }, 'long read aborted');
    res.destroy();
  }
}
