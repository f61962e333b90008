/**
 * The entries of an evidence bundle, read from SQLite a page at a time and each given its
 * RFC 9162 §2.1.3.1 inclusion proof. Pages, not one long-lived cursor: better-sqlite3 keeps a
 * connection busy while an iterator is open, and the sequencer writes on the same connection
 * between the pages a slow client reads.
 */
import type { Crypto } from '../crypto/types.js';
import { inclusionProof, type Hash, type NodeReader } from '../merkle/index.js';
import { isLate } from '../evidence/index.js';
import type { EntryFilter, EntryRow, LogStore } from '../store/index.js';
import type { BundleEntry } from '../verify/bundle-format.js';

/** Rows read per query: big enough to amortise the statement, small enough to stay flat in memory. */
export const BUNDLE_PAGE_SIZE = 256;

/**
 * Stored nodes wanted by the last few proofs. Neighbouring leaves share all but the lowest levels
 * of their paths, so a small cache turns O(log n) reads per entry into about one. Stored nodes
 * never change (append-only), so a cached hash cannot go stale.
 */
const NODE_CACHE_LIMIT = 4096;

export class CachingNodeReader implements NodeReader {
  private readonly cache = new Map<string, Hash>();

  constructor(private readonly inner: NodeReader) {}

  getNode(level: number, index: number): Hash {
    const id = `${level}/${index}`;
    let hash = this.cache.get(id);
    if (hash === undefined) {
      if (this.cache.size >= NODE_CACHE_LIMIT) this.cache.clear();
      hash = this.inner.getNode(level, index);
      this.cache.set(id, hash);
    }
    return hash;
  }
}

// Server side: Buffer's native codecs are several times faster than the portable helpers,
// and a bundle encodes a leaf and about log2(n) proof hashes per entry.
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** One entry of a bundle, proved in the tree of `treeSize` leaves. */
export function bundleEntry(
  c: Crypto,
  row: EntryRow,
  treeSize: number,
  reader: NodeReader,
  fiscalYearStart: number,
  redactedBy?: (index: number) => number | undefined,
): BundleEntry {
  if (row.leaf.length === 0) {
    // Contract, "Redaction": carried by hash only, as GET /v1/entries/{i} answers it.
    return { index: row.index, leafHash: hex(row.leafHash), redacted: { by: redactedBy?.(row.index) ?? -1 }, proof: inclusionProof(c, row.index, treeSize, reader).map(hex) };
  }
  return {
    index: row.index,
    leaf: base64(row.leaf),
    leafHash: hex(row.leafHash),
    proof: inclusionProof(c, row.index, treeSize, reader).map(hex),
    late: isLate(row.occurredAt, row.receivedAt, fiscalYearStart),
  };
}

export interface EntryRange {
  /** Record filters (controlId, system, actorId, subjectId). */
  filter: EntryFilter;
  /** First index that may be included. */
  from: number;
  /** Tree size the proofs lead to; only indexes below it are included. */
  treeSize: number;
  /** The redaction entry of a redacted index (Store.redactions.redactedBy). */
  redactedBy?: (index: number) => number | undefined;
}

/**
 * Yields the matching entries of [from, treeSize) by increasing index, each proved as it is
 * yielded (so a caller working in slices can stop after any entry: a page of proofs is tens of
 * milliseconds). Reads rows a page at a time and holds at most one page, whatever the range.
 */
export function* bundleEntries(
  c: Crypto,
  log: LogStore,
  range: EntryRange,
  fiscalYearStart: number,
  pageSize = BUNDLE_PAGE_SIZE,
): Generator<BundleEntry> {
  const reader = new CachingNodeReader(log);
  let after = range.from - 1;
  for (;;) {
    const rows = log.list({ ...range.filter, afterIndex: after, beforeIndex: range.treeSize }, pageSize);
    for (const row of rows) yield bundleEntry(c, row, range.treeSize, reader, fiscalYearStart, range.redactedBy);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.index;
  }
}
