/**
 * C2SP tlog-tiles reads over the stored tree (https://c2sp.org/tlog-tiles): hash tiles straight
 * from the stored complete-subtree hashes (never by rehashing leaves) and entry bundles from the
 * stored leaves, each one range read of O(tile) rows. No HTTP here; the routes and
 * `ledger export-tiles` both read through this.
 *
 * What exists follows the spec: a full tile once the latest signed checkpoint covers it; a
 * partial tile of width W only when some signed checkpoint has a size that needs it (tlog-tiles,
 * "Partial Tiles": logs MUST serve those, clients MUST NOT fetch others). Nothing beyond the
 * latest signed checkpoint is served, so a client never sees hashes no signature covers yet.
 */
import type { BundleLeaf, CheckpointRow, Store } from '../store/index.js';
import {
  FULL_TILE_BYTES,
  TILE_HASH_SIZE,
  encodeEntryBundle,
  fullTilesBetween,
  isFull,
  partialTilesAt,
  tileNodes,
  tilePath,
  treeSizesWith,
  type TileRef,
} from '../tiles/index.js';
import { LedgerError } from './errors.js';

export class TileService {
  constructor(private readonly store: Store) {}

  /** The latest signed checkpoint, which bounds every tile served. */
  latest(): CheckpointRow | undefined {
    return this.store.checkpoints.latest();
  }

  /** True when `tile` exists for the log as signed so far (see the module comment). */
  exists(tile: TileRef, latestSize = this.latest()?.treeSize ?? 0): boolean {
    const sizes = treeSizesWith(tile);
    if (sizes === undefined || latestSize < sizes.from) return false;
    if (sizes.to === undefined) return true;
    return this.store.tiles.checkpointSizeIn(sizes.from, Math.min(sizes.to, latestSize + 1)) !== undefined;
  }

  /**
   * The bytes of a hash tile or entry bundle; LedgerError NOT_FOUND when it does not exist (yet),
   * REDACTED for an entry bundle that holds a redacted entry.
   */
  read(tile: TileRef, latestSize?: number): Uint8Array {
    if (!this.exists(tile, latestSize)) {
      throw new LedgerError('NOT_FOUND', `${tilePath(tile)} does not exist${isFull(tile) ? ' yet' : ': no signed checkpoint has a tree size that needs it'}`);
    }
    return tile.kind === 'hash' ? this.hashTile(tile) : this.entryBundle(tile);
  }

  /**
   * Every tile and bundle a tree gains from `fromSize` to the latest signed checkpoint: the tiles
   * that became full, then the partial ones of each signed size above `fromSize` (or, with
   * `partials: 'latest'`, of `latestSize` alone), streamed and in O(levels) memory (a partial
   * tile repeats only across consecutive checkpoints).
   */
  *tilesSince(fromSize: number, latestSize: number, partials: 'every-checkpoint' | 'latest' = 'every-checkpoint'): Generator<TileRef> {
    yield* fullTilesBetween(Math.min(fromSize, latestSize), latestSize);
    const sizes = partials === 'latest' ? (latestSize > fromSize ? [latestSize] : []) : this.store.tiles.checkpointSizesBetween(fromSize, latestSize);
    let previous = new Set<string>();
    for (const size of sizes) {
      const current = new Set<string>();
      for (const tile of partialTilesAt(size)) {
        const path = tilePath(tile);
        current.add(path);
        if (!previous.has(path)) yield tile;
      }
      previous = current;
    }
  }

  private hashTile(tile: TileRef): Uint8Array {
    const { height, first, count } = tileNodes(tile);
    const hashes = this.store.tiles.subtreeHashes(height, first, count);
    if (hashes.length !== count) {
      throw new Error(`couldn't read ${tilePath(tile)}: ${hashes.length} of its ${count} stored subtree hashes (height ${height}, from ${first}) exist`);
    }
    const out = new Uint8Array(count * TILE_HASH_SIZE);
    hashes.forEach((h, i) => out.set(h, i * TILE_HASH_SIZE));
    if (isFull(tile) && out.length !== FULL_TILE_BYTES) throw new Error(`${tilePath(tile)} is ${out.length} bytes, not ${FULL_TILE_BYTES}`);
    return out;
  }

  private entryBundle(tile: TileRef): Uint8Array {
    const { first, count } = tileNodes(tile);
    const leaves = this.store.tiles.leaves(first, count);
    if (leaves.length !== count) throw new Error(`couldn't read ${tilePath(tile)}: ${leaves.length} of its ${count} entries exist`);
    return encodeEntryBundle(leaves.map(bundleEntryBytes));
  }
}

/**
 * What an entry bundle carries for one entry: its exact leaf bytes. The one place that decides
 * what a bundle does with an entry whose leaf a redaction removed (contract, "Redaction"; issue
 * 11): a bundle must hash entry by entry to its level-0 tile, so no substitute bytes can stand
 * in. Such a bundle is gone (REDACTED, 410, as the entry's own tlog-proof), while the hash tiles
 * still prove the entry and `/v1/bundles` carries it as redacted.
 */
function bundleEntryBytes(row: BundleLeaf): Uint8Array {
  if (row.leaf === null) {
    throw new LedgerError('REDACTED', `entry ${row.index} was redacted: its leaf bytes are gone, so its entry bundle cannot be served whole; the hash tiles still prove its leaf hash`);
  }
  return row.leaf;
}
