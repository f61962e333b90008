/**
 * A BatchWriter whose commits run on a writer thread (writer-thread.ts). better-sqlite3 is
 * synchronous, so on the sequencer's thread every commit's fsync stalled all HTTP work; here it
 * overlaps it. The sequencer keeps at most one batch in flight, so batches are written in order
 * and its head only moves once a batch is durable. Exactly one thread writes entries.
 */
import { Worker } from 'node:worker_threads';
import { StoreError, type StoreErrorCode } from '../store/index.js';
import { threadModuleUrl } from '../thread-module.js';
import type { BatchWriter, WriteBatch, WriteFailure } from './batch-writer.js';
import type { CloseRequest, WriteAnswer, WriteRequest, WriterReady, WriterThreadData } from './writer-thread.js';

interface Pending {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class ThreadBatchWriter implements BatchWriter {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopped: string | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (answer: WriteAnswer) => this.settle(answer));
    worker.on('error', (err) => (this.stopped ??= `the writer thread failed: ${String((err as Error)?.message ?? err)}`)); // 'exit' follows
    worker.once('exit', (code) => this.lost(`the writer thread stopped (code ${code})`));
  }

  /** Opens the thread's connection to `dbPath` (already migrated by the Store) and resolves once it can write. */
  static start(dbPath: string, moduleUrl: URL = threadModuleUrl(import.meta.url, './writer-thread.js')): Promise<ThreadBatchWriter> {
    const worker = new Worker(moduleUrl, { workerData: { dbPath } satisfies WriterThreadData });
    let startError: unknown;
    worker.once('error', (err) => (startError = err));
    return new Promise((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new StoreError('UNAVAILABLE', `the writer thread (${moduleUrl.href}) stopped at start-up with code ${code}: ${String(startError)}`, { cause: startError }));
      worker.once('exit', onExit);
      worker.once('message', (ready: WriterReady) => {
        worker.off('exit', onExit);
        if (ready.ready) return resolve(new ThreadBatchWriter(worker));
        void worker.terminate();
        reject(fromFailure(ready.failure));
      });
    });
  }

  get failure(): string | undefined {
    return this.stopped;
  }

  write(batch: WriteBatch): Promise<void> {
    if (this.stopped) return Promise.reject(new StoreError('UNAVAILABLE', this.stopped));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, batch } satisfies WriteRequest);
    });
  }

  /** Lets the writes in flight finish, closes the thread's connection and waits for the thread to end. */
  async close(): Promise<void> {
    if (this.stopped) return;
    await Promise.allSettled([...this.pending.values()].map((p) => new Promise<void>((done) => {
      const { resolve, reject } = p;
      p.resolve = () => (resolve(), done());
      p.reject = (err) => (reject(err), done());
    })));
    const ended = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.stopped = 'the writer is closed';
    this.worker.postMessage({ close: true } satisfies CloseRequest);
    await ended;
  }

  private settle(answer: WriteAnswer): void {
    const p = this.pending.get(answer.id);
    if (!p) return;
    this.pending.delete(answer.id);
    if (answer.ok) p.resolve();
    else p.reject(fromFailure(answer.failure));
  }

  /** A thread that died (a crash, out of memory): its writes may or may not have committed, so the ledger must reopen. */
  private lost(reason: string): void {
    this.stopped ??= reason;
    for (const p of this.pending.values()) p.reject(new StoreError('UNAVAILABLE', `${reason}; restart the service`));
    this.pending.clear();
  }
}

function fromFailure(f: WriteFailure): Error {
  return f.storeCode ? new StoreError(f.storeCode as StoreErrorCode, f.message) : new Error(f.message);
}
