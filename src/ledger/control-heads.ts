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

/**
 * Most entries one signing step folds when no heads are recorded below its size (the first
 * checkpoints after an upgrade): beyond it the step records heads one chunk further and the note
 * is signed without the line, so a tick stays bounded while the backfill goes on.
 */
export const MAX_FOLD_PER_STEP = 100_000;

/**
 * The heads at `size`, or undefined while an upgrade's backfill is still behind: then one chunk
 * of it is folded and recorded (not signed) and the caller signs without the line this time.
 */
export function controlHeadsForSigning(c: Crypto, store: Store, size: number, maxFold = MAX_FOLD_PER_STEP): HeadsAtSize | undefined {
  const base = store.controlHeads.recordedAtOrBelow(size) ?? 0;
  // Once a note carries the line, later ones carry it too, whatever the fold costs.
  if (size - base <= maxFold || store.controlHeads.anySigned()) return controlHeadsAt(c, store, size);
  const progress = store.controlHeads.recordedAtOrBelow(Number.MAX_SAFE_INTEGER) ?? 0;
  const step = Math.min(progress + maxFold, size);
  const heads = controlHeadsAt(c, store, step);
  store.transaction(() => store.controlHeads.record(step, heads.changed));
  return undefined;
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
