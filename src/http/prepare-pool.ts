/**
 * Where request bodies are prepared (parsed, validated, canonicalised: prepare-body.ts). The
 * sequencer's thread also runs HTTP, hashing, the commit and every read, so this per-record work
 * goes to worker threads (issue 6: "move parsing and validation off the sequencer's thread");
 * there is still exactly one writer. With 0 threads it runs inline, as it did before.
 */
import { Worker } from 'node:worker_threads';
import { adoptValidatedRecord } from '../evidence/index.js';
import { problemFromBody, prepareBody, type BodyKind, type PreparedBody, type PreparedRecord } from './prepare-body.js';
import type { AnswerMessage, PrepareAnswer, PrepareRequest } from './prepare-worker.js';

/** prepare-worker.ts READY (not imported: importing the worker module would run it here). */
const READY = 'ready';
import { serviceUnavailable } from './problem.js';
import { threadModuleUrl } from '../thread-module.js';

export interface BodyPreparer {
  /** The body's records, vouched for on this thread; rejects with an HttpProblem for a bad body. */
  prepare(raw: Uint8Array | undefined, kind: BodyKind): Promise<PreparedRecord[]>;
  close(): Promise<void>;
  /** For /readyz: threads running of those wanted, and the last failure; absent when inline. */
  health?(): PoolHealth;
}

export interface PoolHealth {
  threads: number;
  wanted: number;
  lastError?: string;
}

/** Prepares on the calling thread: tests, and deployments that want no threads (LEDGER_PREPARE_THREADS=0). */
export function inlinePreparer(): BodyPreparer {
  return {
    prepare: (raw, kind) => {
      try {
        return Promise.resolve(adopt(prepareBody(raw, kind)));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The pool's own inline path, made once rather than per request. */
const INLINE = inlinePreparer();

/**
 * Each thread's V8 young generation, in MiB: three 4 MiB semi-spaces' worth, as `npm start` gives
 * the main thread (--max-semi-space-size=4). V8's default lets it grow to 48 MiB per thread, which a
 * burst of batch bodies fills with garbage that stays resident (docs/performance.md, "Memory under a
 * flood": scripts/bench-hardening.ts measures it).
 */
const THREAD_YOUNG_GENERATION_MIB = 12;

/** A thread stopped with requests in flight (a crash or an out-of-memory kill): they may be retried. */
const THREAD_LOST_RETRY_SECONDS = 1;

export interface PoolOptions {
  /** The thread's module; default: prepare-worker.js beside this one (see defaultWorkerUrl). */
  workerUrl?: URL;
  /** Prepare a lone single record on the calling thread (default true; tests turn it off). */
  inlineWhenIdle?: boolean;
  /** Told of a thread's error and of a failed restart (the service logs them). */
  onError?: (message: string, err: unknown) => void;
}

interface Pending {
  resolve: (records: PreparedRecord[]) => void;
  reject: (err: unknown) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Came up once: only such a thread is replaced when it stops, so a broken build cannot respawn forever. */
  online: boolean;
  ready?: () => void;
  /** Requests of this event-loop turn, sent together in its check phase. */
  outbox: PrepareRequest[];
  transfer: ArrayBuffer[];
}

export class WorkerPreparer implements BodyPreparer {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closing = false;
  private wanted = 0;
  private lastError: string | undefined;

  private constructor(
    private readonly workerUrl: URL,
    private readonly inlineWhenIdle: boolean,
    private readonly onError: (message: string, err: unknown) => void,
  ) {}

  /** Starts `count` threads and resolves once every one runs (a missing build fails here, at start-up). */
  static async start(count: number, options: PoolOptions = {}): Promise<WorkerPreparer> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`thread count must be a positive integer, got ${count}`);
    const pool = new WorkerPreparer(options.workerUrl ?? defaultWorkerUrl(), options.inlineWhenIdle ?? true, options.onError ?? (() => {}));
    pool.wanted = count;
    try {
      await Promise.all(Array.from({ length: count }, () => pool.spawn()));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  health(): PoolHealth {
    return { threads: this.threads.length, wanted: this.wanted, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  prepare(raw: Uint8Array | undefined, kind: BodyKind): Promise<PreparedRecord[]> {
    if (this.closing) return Promise.reject(serviceUnavailable('the service is shutting down', THREAD_LOST_RETRY_SECONDS));
    if (this.threads.length === 0) {
      return Promise.reject(serviceUnavailable(`no preparation thread is running (${this.lastError ?? 'none could be restarted'}); /readyz reports it`, THREAD_LOST_RETRY_SECONDS));
    }
    // A lone record with nothing else in flight: the two thread hops would only add latency
    // (1 connection: about 1,500 -> 1,100 req/s), since there is no other work to overlap.
    if (this.inlineWhenIdle && kind === 'entry' && this.threads.every((t) => t.pending.size === 0)) return INLINE.prepare(raw, kind);
    // The least busy thread; ties go to the first.
    let thread = this.threads[0]!;
    for (const t of this.threads) if (t.pending.size < thread.pending.size) thread = t;
    const id = this.nextId++;
    // An exact-size copy: `raw` may be a view of a pooled slab, which must not be moved.
    const copy = raw?.slice();
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      if (thread.outbox.length === 0) setImmediate(() => this.send(thread));
      thread.outbox.push({ id, raw: copy, kind });
      if (copy) thread.transfer.push(copy.buffer as ArrayBuffer);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private send(thread: Thread): void {
    const requests = thread.outbox.splice(0);
    const transfer = thread.transfer.splice(0);
    if (requests.length && this.threads.includes(thread)) thread.worker.postMessage(requests, transfer);
  }

  private spawn(): Promise<void> {
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MIB } });
    const thread: Thread = { worker, pending: new Map(), online: false, outbox: [], transfer: [] };
    this.threads.push(thread);
    thread.worker.on('message', (answers: AnswerMessage | typeof READY) => {
      if (answers === READY) thread.ready?.();
      else for (const answer of answers) this.settle(thread, answer);
    });
    // 'exit' follows and does the work; the error itself is what an operator needs to see.
    thread.worker.on('error', (err) => this.failed('a preparation thread failed', err));
    thread.worker.once('exit', (code) => this.lost(thread, code));
    return new Promise((resolve, reject) => {
      thread.ready = () => {
        thread.online = true;
        resolve();
      };
      thread.worker.once('exit', (code) => reject(new Error(`a preparation thread (${this.workerUrl.href}) stopped at start-up with code ${code}`)));
    });
  }

  private settle(thread: Thread, answer: PrepareAnswer): void {
    const p = thread.pending.get(answer.id);
    if (!p) return;
    thread.pending.delete(answer.id);
    if ('failure' in answer) p.reject(new Error(`preparing a request body failed: ${answer.failure}`));
    else {
      try {
        p.resolve(adopt(answer.result));
      } catch (err) {
        p.reject(err);
      }
    }
  }

  /** A thread that stopped: its requests are answered 503, and a new thread takes its place. */
  private lost(thread: Thread, code: number): void {
    const at = this.threads.indexOf(thread);
    if (at >= 0) this.threads.splice(at, 1);
    for (const p of thread.pending.values()) {
      p.reject(serviceUnavailable(`a preparation thread stopped (code ${code}); retry`, THREAD_LOST_RETRY_SECONDS));
    }
    thread.pending.clear();
    // A failed respawn leaves one thread fewer; with none left, prepare() answers 503.
    if (!this.closing && thread.online) this.spawn().catch((err: unknown) => this.failed('restarting a preparation thread failed', err));
  }

  private failed(message: string, err: unknown): void {
    this.lastError = `${message}: ${err instanceof Error ? err.message : String(err)}`;
    this.onError(message, err);
  }
}

/** Records vouched for on this thread, or the body's problem thrown. */
function adopt(result: PreparedBody): PreparedRecord[] {
  if (!result.ok) throw problemFromBody(result.problem);
  for (const r of result.records) adoptValidatedRecord(r.record, r.canonical);
  return result.records;
}

/** prepare-worker.js beside this module (its build, when this is the TypeScript source). */
export function defaultWorkerUrl(): URL {
  return threadModuleUrl(import.meta.url, './prepare-worker.js');
}
