/**
 * Builds one batch from queued submissions, in memory: each entry gets its index, `prev` (the
 * previous leaf hash) and `receivedAt` in the same step that extends a copy of the Merkle
 * frontier, so the hash chain and the tree can never disagree. Nothing is written here; the
 * sequencer writes the batch and only then makes `next` its head.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { leafHash as hashLeaf, type Frontier, type NewNode } from '../merkle/index.js';
import { decodeLeaf, encodeLeaf, formatTimestamp, type EntryEnvelope, type EvidenceRecord } from '../evidence/index.js';
import type { EntryRow, IdempotencyRow, Store } from '../store/index.js';
import type { WriteBatch } from './batch-writer.js';
import { LedgerError } from './errors.js';

export interface Submission {
  source: string;
  records: EvidenceRecord[];
  idempotency?: { key: string; requestHash: Uint8Array };
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

/** What the last committed entry left behind: the next entry chains to it. */
export interface Head {
  frontier: Frontier;
  prevHex: string;
  lastReceivedMs: number;
}

/** Each submission's answer once the batch is durable (or its own refusal, whatever happens to the batch). */
export interface Outcome<P> {
  p: P;
  result?: AppendResult;
  error?: unknown;
}

export interface BuiltBatch<P> {
  next: Head;
  outcomes: Outcome<P>[];
  /** undefined when no submission produced an entry (all replays or refusals) */
  write: WriteBatch | undefined;
}

export function buildBatch<P extends { sub: Submission }>(
  c: Crypto,
  store: Store,
  head: Head,
  batch: readonly P[],
  nowMs: number,
): BuiltBatch<P> {
  const next: Head = { ...head, frontier: head.frontier.clone() };
  const receivedAt = formatTimestamp(nowMs);
  const rows: EntryRow[] = [];
  const nodes: NewNode[] = [];
  const keys: IdempotencyRow[] = [];
  const outcomes: Outcome<P>[] = [];
  const inBatch = new Map<string, { requestHash: Uint8Array; result: AppendResult }>();

  for (const p of batch) {
    const { sub } = p;
    const idem = sub.idempotency;
    const scope = idem && `${sub.source}\n${idem.key}`;
    if (idem && scope) {
      const earlier = inBatch.get(scope) ?? storedResult(store, sub.source, idem.key);
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
      entries = sub.records.map((record) => {
        const envelope: EntryEnvelope = { v: 1, index, prev, receivedAt, source: sub.source, record };
        const leaf = encodeLeaf(envelope);
        const leafHash = hashLeaf(c, leaf);
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
  }
  return { next, outcomes, write: rows.length ? { rows, nodes, keys } : undefined };
}

/** The entries an earlier, committed request with this key produced, if any. */
function storedResult(store: Store, source: string, key: string): { requestHash: Uint8Array; result: AppendResult } | undefined {
  const row = store.idempotency.find(source, key);
  if (!row) return undefined;
  const entries: AppendedEntry[] = [];
  for (const e of store.log.iterate(row.firstIndex, row.firstIndex + row.count)) {
    entries.push({ index: e.index, leaf: e.leaf, leafHash: e.leafHash, envelope: decodeLeaf(e.leaf) });
  }
  return { requestHash: row.requestHash, result: { entries, replayed: true } };
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
