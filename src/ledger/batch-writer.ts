/**
 * How the sequencer's batches reach the disk: one durable transaction per batch, holding its
 * entry rows, the tree nodes they complete and their idempotency keys, all or nothing. Inline,
 * on the sequencer's own connection and thread (tests, tools); or on a writer thread with its
 * own connection (writer-thread.ts), so the commit's fsync no longer stalls HTTP work.
 */
import type { NewNode } from '../merkle/index.js';
import { asStoreError, type EntryRow, type IdempotencyRow, type Store } from '../store/index.js';

export interface WriteBatch {
  rows: EntryRow[];
  nodes: NewNode[];
  keys: IdempotencyRow[];
}

export interface BatchWriter {
  /**
   * Writes `batch` in one transaction and returns once it is durable: at once for an inline
   * writer, through the promise for a threaded one. Throws or rejects when nothing was written.
   */
  write(batch: WriteBatch): void | Promise<void>;
  close(): Promise<void>;
  /** Why this writer can write no more (its thread died), if so: the service is then not ready. */
  readonly failure?: string | undefined;
}

/** Writes on the store's own connection, synchronously. */
export function inlineBatchWriter(store: Store): BatchWriter {
  return {
    write: (batch) => {
      store.transaction(() => writeBatch(store, batch));
    },
    close: () => Promise.resolve(),
  };
}

/** The statements of one batch; the caller holds the transaction. */
export function writeBatch(store: Pick<Store, 'log' | 'idempotency'>, batch: WriteBatch): void {
  store.log.append(batch.rows, batch.nodes);
  for (const k of batch.keys) store.idempotency.add(k);
}

/** What a failed write tells the other thread: enough to rebuild the StoreError it was. */
export interface WriteFailure {
  storeCode?: string;
  message: string;
}

export function toWriteFailure(err: unknown): WriteFailure {
  const mapped = asStoreError(err, 'writing a batch');
  const message = mapped instanceof Error ? mapped.message : String(mapped);
  const storeCode = (mapped as { name?: unknown; code?: unknown }).name === 'StoreError' ? String((mapped as { code: unknown }).code) : undefined;
  return storeCode ? { storeCode, message } : { message };
}
