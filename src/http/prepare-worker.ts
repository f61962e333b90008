/**
 * A preparation thread (see prepare-pool.ts): receives request bodies, answers prepareBody's
 * result. No ledger state, no I/O: it only spends CPU the request's thread would otherwise spend.
 */
import { parentPort } from 'node:worker_threads';
import { prepareBody, type BodyKind, type PreparedBody } from './prepare-body.js';

export interface PrepareRequest {
  id: number;
  raw: Uint8Array | undefined;
  kind: BodyKind;
}

export type PrepareAnswer = { id: number; result: PreparedBody } | { id: number; failure: string };

/** Messages carry every request of one event-loop turn: a postMessage costs about as much as preparing a record. */
export type PrepareMessage = PrepareRequest[];
export type AnswerMessage = PrepareAnswer[];
/** Sent once the module has loaded: 'online' comes before that, so a broken import would look alive. */
export const READY = 'ready';

const port = parentPort;
if (!port) throw new Error('prepare-worker.js runs as a worker thread only');

port.on('message', (requests: PrepareMessage) => {
  const answers: AnswerMessage = requests.map(({ id, raw, kind }) => {
    try {
      return { id, result: prepareBody(raw, kind) };
    } catch (err) {
      // A bug, not the client's mistake: the request's thread answers 500 and logs it.
      return { id, failure: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  });
  port.postMessage(answers);
});

port.postMessage(READY);
