/**
 * The one writer. Submissions queue up and are committed together in one durable SQLite
 * transaction (group commit); each entry gets its index, `prev` (the previous leaf hash) and
 * `receivedAt` here, in the same step that extends the Merkle frontier, so the hash chain and
 * the tree can never disagree. A submission's promise MUST NOT resolve before its commit
 * has returned (synchronous=FULL: fsynced).
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { Frontier, leafHash as hashLeaf, type NewNode } from '../merkle/index.js';
import {
  ZERO_HASH_HEX,
  decodeLeaf,
  encodeLeaf,
  formatTimestamp,
  type EntryEnvelope,
  type EvidenceRecord,
} from '../evidence/index.js';
import { asStoreError, type EntryRow, type IdempotencyRow, type Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { LedgerError } from './errors.js';

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
  /** Sources that must sign their records, and their keys (from the store at open; few). */
  sourceKeys?: Map<string, Uint8Array>;
}

export interface Submission {
  source: string;
  records: EvidenceRecord[];
  idempotency?: { key: string; requestHash: Uint8Array };
  /**
   * Signed submissions: one detached signature per record (base64, kept as the envelope's
   * `signature`), already verified against `signedWith`, the source's key at that time. The
   * commit refuses the submission unless that is still the source's key.
   */
  signed?: { signatures: string[]; signedWith: Uint8Array };
  /** Registers `source`'s signing key from the entry after this submission's (signed-submissions.ts). */
  keyChange?: { source: string; publicKey: Uint8Array };
  /** Writes that belong with these entries, run inside their commit's transaction (the ledger's own access records). */
  alsoWrite?: (entries: readonly AppendedEntry[]) => void;
  /**
   * Runs inside the transaction that appends this submission's entries, after them: what it writes
   * commits with them or not at all, and if it throws, nothing does and the submission is rejected
   * with its error. Such a submission is committed in a batch of its own, so it fails alone.
   */
  withinCommit?: (entries: readonly AppendedEntry[]) => void;
}

export interface AppendedEntry {
  index: number;
  leaf: Uint8Array;
  leafHash: Uint8Array;
  envelope: EntryEnvelope;
}

export interface AppendResult {
  entries: AppendedEntry[];
  /** true when an Idempotency-Key matched an earlier, identical request */
  replayed: boolean;
}

interface Pending {
  sub: Submission;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/** What the last committed entry left behind: the next entry chains to it. */
interface Head {
  frontier: Frontier;
  prevHex: string;
  lastReceivedMs: number;
}

export class Sequencer {
  private queue: Pending[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private head: Head;
  private floorMs = 0;
  private closed = false;
  /** Told after each durable commit: records written and how long the transaction took (metrics). */
  onCommit: ((records: number, seconds: number) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly c: Crypto,
    frontier: Frontier,
    private readonly opts: SequencerOptions,
  ) {
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

  /**
   * No entry may be stamped before `ms` from now on: used when a period closes at its end,
   * so a clock that steps backwards cannot slip an entry into a closed period.
   */
  raiseFloor(ms: number): void {
    this.floorMs = Math.max(this.floorMs, ms);
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
   * Takes the head from the store (a follower that followed another sequencer's commits, or one
   * promoted to sequencer): `frontier` is the stored tree at its size, and the entry before it
   * gives `prev` and the receivedAt to stay at or above. Only while nothing is queued.
   */
  reload(frontier: Frontier): void {
    if (this.queue.length) throw new Error('the sequencer cannot reload its head while submissions are queued');
    const last = frontier.size > 0 ? this.store.log.entry(frontier.size - 1) : undefined;
    if (frontier.size > 0 && !last) throw new Error(`entry ${frontier.size - 1} is missing from the store`);
    this.head = {
      frontier,
      prevHex: last ? toHex(last.leafHash) : ZERO_HASH_HEX,
      lastReceivedMs: last ? Date.parse(last.receivedAt) : 0,
    };
  }

  /** Rejects everything queued with `reason` (leadership lost: none of it may be committed here). */
  failQueued(reason: Error): void {
    this.cancelScheduled();
    const queued = this.queue;
    this.queue = [];
    this.queuedRecords = 0;
    for (const p of queued) p.reject(reason);
  }

  /** Commits what is queued, then refuses new submissions. */
  close(): void {
    this.closed = true;
    this.cancelScheduled();
    while (this.queue.length) this.flush();
  }

  private schedule(): void {
    if (this.immediate) return;
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
    this.flush();
    if (this.queue.length) this.schedule();
  }

  /** Takes whole submissions up to batchMax records (at least one) and commits them. */
  private flush(): void {
    let take = 0;
    let records = 0;
    while (take < this.queue.length && (take === 0 || records + this.queue[take]!.sub.records.length <= this.opts.batchMax)) {
      // A submission with its own step in the commit goes alone (see Submission.withinCommit).
      if (take > 0 && this.queue[take]!.sub.withinCommit) break;
      records += this.queue[take]!.sub.records.length;
      take++;
      if (this.queue[0]!.sub.withinCommit) break;
    }
    const batch = this.queue.splice(0, take);
    this.queuedRecords -= records;
    try {
      this.commit(batch);
    } catch (err) {
      // A read that failed while the batch was being built (e.g. an idempotency lookup on a
      // locked or failing disk): nothing was written; every writer in the batch hears why.
      // Settling a promise twice is a no-op, so those already answered keep their answer.
      const reason = asStoreError(err, 'building a batch');
      for (const p of batch) p.reject(reason);
    }
  }

  private commit(batch: Pending[]): void {
    const next: Head = { ...this.head, frontier: this.head.frontier.clone() };
    const nowMs = Math.max(this.opts.clock(), next.lastReceivedMs, this.floorMs);
    const receivedAt = formatTimestamp(nowMs);
    const rows: EntryRow[] = [];
    const nodes: NewNode[] = [];
    const keys: IdempotencyRow[] = [];
    const outcomes: { p: Pending; result?: AppendResult; error?: unknown }[] = [];
    const inBatch = new Map<string, { requestHash: Uint8Array; result: AppendResult }>();
    // Key registrations in this batch apply to the submissions after them, and stick only once committed.
    const keysNow = new Map<string, Uint8Array>();
    const sourceKey = (source: string) => keysNow.get(source) ?? this.opts.sourceKeys?.get(source);
    const alsoWrites: (() => void)[] = [];

    for (const p of batch) {
      const { sub } = p;
      const signingProblem = signatureProblem(sub, sourceKey(sub.source));
      if (signingProblem) {
        outcomes.push({ p, error: signingProblem });
        continue;
      }
      const idem = sub.idempotency;
      const scope = idem && `${sub.source}\n${idem.key}`;
      if (idem && scope) {
        let earlier;
        try {
          earlier = inBatch.get(scope) ?? this.storedResult(sub.source, idem.key);
        } catch (err) {
          // A redacted entry cannot be answered again; a failing read fails the whole batch (flush).
          if (!(err instanceof LedgerError)) throw err;
          outcomes.push({ p, error: err });
          continue;
        }
        if (earlier) {
          outcomes.push(
            bytesEqual(earlier.requestHash, idem.requestHash)
              ? { p, result: { entries: earlier.result.entries, replayed: true } }
              : { p, error: new LedgerError('IDEMPOTENCY_CONFLICT', 'Idempotency-Key was used for a different request', 'Idempotency-Key') },
          );
          continue;
        }
      }
      let entries: AppendedEntry[];
      try {
        // Encode every record first: a record that cannot be encoded fails its own submission only.
        let index = next.frontier.size;
        let prev = next.prevHex;
        entries = sub.records.map((record, i) => {
          const signature = sub.signed?.signatures[i];
          const envelope: EntryEnvelope = signature === undefined
            ? { v: 1, index, prev, receivedAt, source: sub.source, record }
            : { v: 1, index, prev, receivedAt, source: sub.source, record, signature };
          const leaf = encodeLeaf(envelope);
          const leafHash = hashLeaf(this.c, leaf);
          prev = toHex(leafHash);
          index++;
          return { index: envelope.index, leaf, leafHash, envelope };
        });
      } catch (err) {
        outcomes.push({ p, error: new LedgerError('INVALID_ENTRY', (err as Error).message, undefined, { cause: err }) });
        continue;
      }
      for (const e of entries) {
        nodes.push(...next.frontier.append(e.leafHash));
        rows.push(toRow(e.envelope, e.leaf, e.leafHash));
      }
      const lastEntry = entries.at(-1);
      if (lastEntry) next.prevHex = toHex(lastEntry.leafHash);
      next.lastReceivedMs = nowMs;
      const result = { entries, replayed: false };
      if (idem && scope) {
        inBatch.set(scope, { requestHash: idem.requestHash, result });
        keys.push({ source: sub.source, key: idem.key, requestHash: idem.requestHash, firstIndex: entries[0]!.index, count: entries.length, createdAt: receivedAt });
      }
      outcomes.push({ p, result });
      const { keyChange, alsoWrite } = sub;
      if (keyChange) {
        keysNow.set(keyChange.source, keyChange.publicKey);
        const entryIndex = entries.at(-1)!.index;
        alsoWrites.push(() => this.store.access.setSourceKey({ source: keyChange.source, publicKey: keyChange.publicKey, entryIndex }));
      }
      if (alsoWrite) alsoWrites.push(() => alsoWrite(entries));
    }

    if (rows.length) {
      const started = this.onCommit ? performance.now() : 0;
      try {
        this.store.transaction(() => {
          this.store.log.append(rows, nodes);
          for (const k of keys) this.store.idempotency.add(k);
          for (const write of alsoWrites) write();
          for (const o of outcomes) if (o.result && !o.result.replayed) o.p.sub.withinCommit?.(o.result.entries);
        });
      } catch (err) {
        // Nothing was written: the head stays where it was and every writer in the batch hears why.
        for (const o of outcomes) (o.error ? o.p.reject(o.error) : o.p.reject(err));
        return;
      }
      this.head = next;
      for (const [source, key] of keysNow) this.opts.sourceKeys?.set(source, key);
      this.onCommit?.(rows.length, (performance.now() - started) / 1000);
    }
    for (const o of outcomes) (o.error ? o.p.reject(o.error) : o.p.resolve(o.result!));
  }

  /** The entries an earlier, committed request with this key produced, if any. */
  private storedResult(source: string, key: string): { requestHash: Uint8Array; result: AppendResult } | undefined {
    const row = this.store.idempotency.find(source, key);
    if (!row) return undefined;
    const entries: AppendedEntry[] = [];
    for (const e of this.store.log.iterate(row.firstIndex, row.firstIndex + row.count)) {
      if (e.leaf.length === 0) {
        throw new LedgerError('REDACTED', `entry ${e.index}, which this Idempotency-Key produced, was redacted; its record is gone`, 'Idempotency-Key');
      }
      entries.push({ index: e.index, leaf: e.leaf, leafHash: e.leafHash, envelope: decodeLeaf(e.leaf) });
    }
    return { requestHash: row.requestHash, result: { entries, replayed: true } };
  }
}

/** Why a submission may not be committed under its source's signing key, if it may not. */
function signatureProblem(sub: Submission, key: Uint8Array | undefined): LedgerError | undefined {
  if (key === undefined) return undefined;
  const signed = sub.signed;
  if (!signed || signed.signatures.length !== sub.records.length) {
    return new LedgerError('SIGNATURE_REQUIRED', `source ${sub.source} has a registered signing key: every record needs a signature`, 'Evidence-Signature');
  }
  if (!bytesEqual(signed.signedWith, key)) {
    return new LedgerError('SIGNATURE_INVALID', `source ${sub.source}'s signing key changed while the request was in flight; sign with the new key`, 'Evidence-Signature');
  }
  return undefined;
}

function toRow(env: EntryEnvelope, leaf: Uint8Array, leafHash: Uint8Array): EntryRow {
  const r = env.record;
  return {
    index: env.index,
    leaf,
    leafHash,
    receivedAt: env.receivedAt,
    source: env.source,
    type: r.type,
    controlId: r.controlId,
    system: r.system,
    actorId: r.actor.id,
    subjectId: r.subject.id,
    occurredAt: r.occurredAt,
  };
}
