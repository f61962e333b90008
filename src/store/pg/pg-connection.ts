/**
 * A synchronous connection to PostgreSQL. The store's API is synchronous (better-sqlite3 made it
 * so, and the sequencer, proofs, audit and routes are written against it), so the PostgreSQL store
 * keeps it: node-postgres runs on a thread of its own (pg-worker.ts), and each request blocks the
 * calling thread, with Atomics.wait, until that thread posts the answer, which is then taken off
 * the port synchronously (receiveMessageOnPort). The event loop waits exactly as long as the
 * database takes, as it does for SQLite's own I/O; long reads stream through cursors in pages.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { threadModuleUrl } from '../../thread-module.js';
import { StoreError } from '../errors.js';
import type { Request, Response, WorkerData, WorkerEvent } from './protocol.js';

/** Longest a single request may take before the store calls the database unavailable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export type OkResponse = Extract<Response, { ok: true }>;

export class PgRequestError extends Error {
  override readonly name = 'PgRequestError';
  constructor(
    message: string,
    /** SQLSTATE, or LEDGER_NOT_LEADER / LEDGER_NOT_DURABLE from the thread. */
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(message);
  }
}

export class PgConnection {
  private nextId = 1;
  private closed = false;
  private readonly signal: Int32Array;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    flag: SharedArrayBuffer,
    private readonly timeoutMs: number,
  ) {
    this.signal = new Int32Array(flag);
  }

  /** Starts the thread and connects (synchronously); throws a StoreError when the server cannot be reached. */
  static open(url: string, options: { lockKey: string; timeoutMs?: number; onEvent?: (event: WorkerEvent) => void }): PgConnection {
    const flag = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = { url, flag, port: port2, lockKey: options.lockKey };
    const worker = new Worker(threadModuleUrl(import.meta.url, './pg-worker.js'), { workerData: data, transferList: [port2] });
    // The thread must not keep a process alive that has nothing else to do.
    worker.unref();
    port1.unref();
    worker.on('message', (event: WorkerEvent) => options.onEvent?.(event));
    worker.on('error', () => {});
    const conn = new PgConnection(worker, port1, flag, options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    try {
      conn.request({ op: 'connect' });
    } catch (err) {
      conn.terminate();
      throw err;
    }
    return conn;
  }

  /** Sends `req` and blocks until its answer; throws PgRequestError for a refused request, StoreError when the thread is gone or late. */
  request(req: Request): OkResponse {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'the PostgreSQL connection is closed');
    const id = this.nextId++;
    const before = Atomics.load(this.signal, 0);
    this.port.postMessage({ id, req });
    const deadline = Date.now() + this.timeoutMs;
    let seen = before;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new StoreError('UNAVAILABLE', `PostgreSQL did not answer within ${this.timeoutMs} ms`);
      Atomics.wait(this.signal, 0, seen, left);
      seen = Atomics.load(this.signal, 0);
      // Answers come in order; one to an earlier request that timed out is dropped here.
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const message = m.message as { id: number; res: Response };
        if (message.id !== id) continue;
        if (message.res.ok) return message.res;
        const e = message.res.error;
        throw new PgRequestError(e.message, e.code, e.detail);
      }
    }
  }

  /** Ends every session and the thread. */
  close(): void {
    if (this.closed) return;
    try {
      this.request({ op: 'close' });
    } catch {
      // Closing anyway.
    }
    this.terminate();
  }

  private terminate(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
