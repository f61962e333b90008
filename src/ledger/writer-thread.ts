/**
 * The writer thread (see thread-batch-writer.ts): its own connection to the ledger's file, with
 * the same durability settings, and nothing else. It writes each batch it is sent, in order, one
 * IMMEDIATE transaction each (synchronous=FULL: fsynced before the answer), and answers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IdempotencyStore, LogStore, SearchStore } from '../store/index.js';
import { openDatabase } from '../store/db.js';
import { toWriteFailure, writeBatch, type WriteBatch, type WriteFailure } from './batch-writer.js';

export interface WriterThreadData {
  dbPath: string;
}
export interface WriteRequest {
  id: number;
  batch: WriteBatch;
}
/** The last message: close the connection (WAL files stay consistent) and let the thread end. */
export interface CloseRequest {
  close: true;
}
export type WriteAnswer = { id: number; ok: true } | { id: number; ok: false; failure: WriteFailure };
/** Sent once the connection is open: a file the thread cannot open fails the start, not a write. */
export type WriterReady = { ready: true } | { ready: false; failure: WriteFailure };

const port = parentPort;
if (!port) throw new Error('writer-thread.js runs as a worker thread only');

const { dbPath } = workerData as WriterThreadData;
let db: ReturnType<typeof openDatabase> | undefined;
try {
  db = openDatabase(dbPath);
} catch (err) {
  port.postMessage({ ready: false, failure: toWriteFailure(err) } satisfies WriterReady);
}

if (db) {
  const open = db;
  const search = new SearchStore(open);
  const store = { log: new LogStore(open, search), idempotency: new IdempotencyStore(open) };
  const write = open.transaction((batch: WriteBatch) => writeBatch(store, batch));
  port.on('message', (message: WriteRequest | CloseRequest) => {
    if ('close' in message) {
      open.close();
      port.close();
      return;
    }
    const { id, batch } = message;
    let answer: WriteAnswer;
    try {
      write.immediate(batch);
      answer = { id, ok: true };
    } catch (err) {
      answer = { id, ok: false, failure: toWriteFailure(err) };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ready: true } satisfies WriterReady);
}
