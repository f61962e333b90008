/**
 * A proof's nodes in one read. Which stored nodes an RFC 9162 proof reads depends only on the
 * index and sizes, never on hash values, so a first pass over placeholders lists them, one
 * statement fetches them all, and the second pass computes the proof from those. On PostgreSQL
 * that is two round trips instead of one per node (a proof reads O(log n) of them).
 */
import type { Hash, NodeReader } from '../merkle/index.js';
import type { LogStore } from '../store/index.js';

const PLACEHOLDER: Hash = new Uint8Array(32);

export function withPrefetchedNodes<T>(log: LogStore, compute: (reader: NodeReader) => T): T {
  const wanted: { level: number; index: number }[] = [];
  compute({ getNode: (level, index) => (wanted.push({ level, index }), PLACEHOLDER) });
  const found = log.getNodes(wanted);
  // A node the batch did not return is read as before, so a missing node fails the same way.
  return compute({ getNode: (level, index) => found.get(`${level}/${index}`) ?? log.getNode(level, index) });
}
