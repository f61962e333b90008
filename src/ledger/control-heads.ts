/**
 * Every control's head (count of entries, chain value) at a tree size, for the completeness line
 * each checkpoint carries (src/reports/control-heads.ts, docs/completeness.md). Starts from the
 * heads recorded at the greatest size below (control_heads tables) and folds the entries between,
 * about one checkpoint interval's worth; the first checkpoint after an upgrade folds the whole
 * log once. Memory: one head per control, never per entry.
 */
import type { Crypto } from '../crypto/types.js';
import { CHAIN_START, compareIds, extendChain, type ControlHead } from '../reports/control-heads.js';
import type { Store } from '../store/index.js';

export interface HeadsAtSize {
  /** All heads at the size, sorted by controlId (UTF-16 order). */
  heads: ControlHead[];
  /** The heads that differ from the recorded size the fold started from (to record at this size). */
  changed: ControlHead[];
}

export function controlHeadsAt(c: Crypto, store: Store, size: number): HeadsAtSize {
  const base = store.controlHeads.recordedAtOrBelow(size);
  const heads = new Map<string, ControlHead>();
  if (base !== undefined) for (const h of store.controlHeads.headsAt(base)) heads.set(h.controlId, h);
  const changed = new Set<string>();
  for (const row of store.controlHeads.entriesBetween(base ?? 0, size)) {
    const h = heads.get(row.controlId);
    heads.set(row.controlId, {
      controlId: row.controlId,
      count: (h?.count ?? 0) + 1,
      chain: extendChain(c, h?.chain ?? CHAIN_START, row.leafHash),
    });
    changed.add(row.controlId);
  }
  const sorted = [...heads.values()].sort((a, b) => compareIds(a.controlId, b.controlId));
  return { heads: sorted, changed: sorted.filter((h) => changed.has(h.controlId)) };
}

/** The heads of all controls folded from the entries alone (the audit's and the tests' reference). */
export function foldControlHeads(c: Crypto, rows: Iterable<{ controlId: string; leafHash: Uint8Array }>): Map<string, ControlHead> {
  const heads = new Map<string, ControlHead>();
  for (const row of rows) {
    const h = heads.get(row.controlId);
    heads.set(row.controlId, { controlId: row.controlId, count: (h?.count ?? 0) + 1, chain: extendChain(c, h?.chain ?? CHAIN_START, row.leafHash) });
  }
  return heads;
}
