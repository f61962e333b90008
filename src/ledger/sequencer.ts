/**
 * The one writer. Submissions queue up and are committed together in one durable transaction
 * (group commit) by a BatchWriter, inline or on the writer thread. At most one batch is in
 * flight: the next is built from the head the last one left, and the head only moves once a
 * batch is durable. A submission's promise MUST NOT resolve before its batch is (synchronous=FULL:
 * fsynced). Work that must see no batch half-way (period closes) runs `between` batches.
 */
import type { Crypto } from '../crypto/types.js';
import { toHex } from '../crypto/bytes.js';
import type { Frontier } from '../merkle/index.js';
import { ZERO_HASH_HEX } from '../evidence/index.js';
import { asStoreError, type Store } from '../store/index.js';
import { buildBatch, type AppendResult, type BuiltBatch, type Head, type Submission } from './batch-builder.js';
import { inlineBatchWriter, type BatchWriter } from './batch-writer.js';
import type { Clock } from './clock.js';
import { LedgerError } from './errors.js';

export type { AppendedEntry, AppendResult, Submission } from './batch-builder.js';

export interface SequencerOptions {
  /** Close a batch once it holds this many records. */
  batchMax: number;
  /**
   * Close a batch this long after its first submission arrived. 0: at the end of the event-loop
   * turn it arrived in, with every submission that turn produced ("natural" group commit: while
   * one commit waits for its fsync, the next batch gathers in the socket buffers).
   */
  batchWaitMs: number;
  /** Refuse (QUEUE_FULL) past this many queued records instead of growing memory. */
  queueMax: number;
  clock: Clock;
  /** Where batches are written; default: inline on the store's connection. */
  writer?: BatchWriter;
}

interface Pending {
  sub: Submission;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export class Sequencer {
  private queue: Pending[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private head: Head;
  private floorMs = 0;
  private closed = false;
  private readonly writer: BatchWriter;
  private inFlight = false;
  /** Run once the batch in flight has landed, before the next is built. */
  private afterLanding: (() => void)[] = [];
  private drainedWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly c: Crypto,
    frontier: Frontier,
    private readonly opts: SequencerOptions,
  ) {
    this.writer = opts.writer ?? inlineBatchWriter(store);
    const last = store.log.last();
    this.head = {
      frontier,
      prevHex: last ? toHex(last.leafHash) : ZERO_HASH_HEX,
      lastReceivedMs: last ? Date.parse(last.receivedAt) : 0,
    };
  }

  /** Tree size and root of everything committed so far. */
  get size(): number {
    return this.head.frontier.size;
  }

  root(): Uint8Array {
    return this.head.frontier.root();
  }

  /** Records queued but not yet committed (for health and back-pressure reports). */
  get queued(): number {
    return this.queuedRecords;
  }

  /** Records are waiting or being written. */
  get busy(): boolean {
    return this.queuedRecords > 0 || this.inFlight;
  }

  /**
   * No entry may be stamped before `ms` from now on: used when a period closes at its end,
   * so a clock that steps backwards cannot slip an entry into a closed period.
   */
  raiseFloor(ms: number): void {
    this.floorMs = Math.max(this.floorMs, ms);
  }

  /** Runs `fn` now when no batch is in flight, else as soon as it has landed (before the next is built). */
  between(fn: () => void): void {
    if (this.inFlight) this.afterLanding.push(fn);
    else fn();
  }

  submit(sub: Submission): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', 'the ledger is shutting down'));
    if (this.queuedRecords + sub.records.length > this.opts.queueMax) {
      return Promise.reject(new LedgerError('QUEUE_FULL', 'too many records queued; retry shortly'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ sub, resolve, reject });
      this.queuedRecords += sub.records.length;
      this.schedule();
    });
  }

  /**
   * Refuses new submissions and commits what is queued. With an inline writer everything is
   * written before this returns; the promise resolves once nothing is queued or in flight.
   */
  close(): Promise<void> {
    this.closed = true;
    this.cancelScheduled();
    while (this.queue.length && !this.inFlight) this.flush();
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.immediate || this.inFlight) return; // a landing batch flushes what waits
    if (this.queuedRecords >= this.opts.batchMax || this.opts.batchWaitMs === 0) {
      // A full batch, or no wait asked for: commit in the check phase of this very turn.
      this.cancelScheduled();
      this.immediate = setImmediate(() => this.flushAndReschedule());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushAndReschedule(), this.opts.batchWaitMs);
    }
  }

  private cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private flushAndReschedule(): void {
    this.cancelScheduled();
    if (this.inFlight) return;
    this.flush();
    if (this.queue.length) this.schedule();
  }

  /** Takes whole submissions up to batchMax records (at least one) and commits them. */
  private flush(): void {
    let take = 0;
    let records = 0;
    while (take < this.queue.length && (take === 0 || records + this.queue[take]!.sub.records.length <= this.opts.batchMax)) {
      records += this.queue[take]!.sub.records.length;
      take++;
    }
    const batch = this.queue.splice(0, take);
    this.queuedRecords -= records;
    let built: BuiltBatch<Pending>;
    try {
      const nowMs = Math.max(this.opts.clock(), this.head.lastReceivedMs, this.floorMs);
      built = buildBatch(this.c, this.store, this.head, batch, nowMs);
    } catch (err) {
      // A read that failed while the batch was being built (e.g. an idempotency lookup on a
      // locked or failing disk): nothing was written; every writer in the batch hears why.
      const reason = asStoreError(err, 'building a batch');
      for (const p of batch) p.reject(reason);
      return;
    }
    if (!built.write) return this.land(built);
    let written: void | Promise<void>;
    try {
      written = this.writer.write(built.write);
    } catch (err) {
      return this.refuse(built, err);
    }
    if (!written) return this.land(built);
    this.inFlight = true;
    written.then(
      () => this.land(built),
      (err: unknown) => this.refuse(built, err),
    ).finally(() => this.landed());
  }

  /** The batch is durable: the head moves and every submission gets its answer. */
  private land(built: BuiltBatch<Pending>): void {
    if (built.write) this.head = built.next;
    for (const o of built.outcomes) (o.error ? o.p.reject(o.error) : o.p.resolve(o.result!));
  }

  /** Nothing was written: the head stays where it was and every writer in the batch hears why. */
  private refuse(built: BuiltBatch<Pending>, err: unknown): void {
    for (const o of built.outcomes) o.p.reject(o.error ?? err);
  }

  /** Runs what waited for the landing, then writes what queued meanwhile at once (the next group commit). */
  private landed(): void {
    this.inFlight = false;
    for (const fn of this.afterLanding.splice(0)) fn();
    this.cancelScheduled();
    if (this.queue.length && !this.inFlight) this.flush();
    if (!this.busy) for (const resolve of this.drainedWaiters.splice(0)) resolve();
  }
}
