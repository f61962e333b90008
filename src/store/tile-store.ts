/**
 * The reads C2SP tlog-tiles needs (src/ledger/tiles.ts): a run of consecutive stored subtree
 * hashes at one level, a run of leaves, and whether a checkpoint was signed in a size range.
 * Each is one index range scan, O(rows returned): a tile read is O(tile), never O(log).
 */
import type { Db } from './db.js';

/** A stored leaf for an entry bundle; `leaf` is null once a redaction has removed its bytes. */
export interface BundleLeaf {
  index: number;
  leaf: Uint8Array | null;
}

export class TileStore {
  private readonly selectLeafHashes;
  private readonly selectNodeHashes;
  private readonly selectLeaves;
  private readonly selectCheckpointIn;
  private readonly selectCheckpointsAbove;

  constructor(db: Db) {
    // Level 0 is entries.leaf_hash; the nodes table holds levels >= 1 (migration 001).
    this.selectLeafHashes = db.prepare('SELECT leaf_hash FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx').pluck();
    this.selectNodeHashes = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx').pluck();
    this.selectLeaves = db.prepare('SELECT idx AS "index", leaf FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx');
    this.selectCheckpointIn = db.prepare('SELECT tree_size FROM checkpoints WHERE tree_size >= ? AND tree_size < ? ORDER BY tree_size LIMIT 1').pluck();
    this.selectCheckpointsAbove = db.prepare('SELECT tree_size FROM checkpoints WHERE tree_size > ? AND tree_size <= ? ORDER BY tree_size').pluck();
  }

  /** Hashes of complete subtrees (height, first) .. (height, first + count - 1), in order; fewer if some are missing. */
  subtreeHashes(height: number, first: number, count: number): Uint8Array[] {
    const rows = (height === 0
      ? this.selectLeafHashes.all(first, first + count)
      : this.selectNodeHashes.all(height, first, first + count)) as Buffer[];
    return rows.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }

  /** Leaves [first, first + count), in order; fewer if some are missing. */
  leaves(first: number, count: number): BundleLeaf[] {
    return (this.selectLeaves.all(first, first + count) as { index: number; leaf: Buffer | null }[]).map((r) => ({
      index: r.index,
      // A redaction empties the leaf (X'', migration `redaction`): no leaf is ever empty otherwise.
      leaf: r.leaf === null || r.leaf.length === 0 ? null : new Uint8Array(r.leaf.buffer, r.leaf.byteOffset, r.leaf.byteLength),
    }));
  }

  /** The smallest signed checkpoint size in [from, to), if any. */
  checkpointSizeIn(from: number, to: number): number | undefined {
    return (this.selectCheckpointIn.get(from, to) as number | undefined) ?? undefined;
  }

  /** Signed checkpoint sizes in (above, through], ascending, streamed. */
  *checkpointSizesBetween(above: number, through: number): Generator<number> {
    yield* this.selectCheckpointsAbove.iterate(above, through) as IterableIterator<number>;
  }
}
