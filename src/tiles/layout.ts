/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries"): which tiles
 * and entry bundles a tree of a given size has. Pure arithmetic on tree sizes below 2^53.
 *
 * A level-L hash tile N holds the Merkle Tree Hashes of the 256 consecutive complete subtrees
 * of 256^L leaves starting at subtree N*256, i.e. RFC 9162 tree nodes at height 8L with indexes
 * [N*256, N*256 + W). A full tile has W = 256 (8,192 bytes); the rightmost tile of a level may
 * be partial, with W = floor(size / 256^L) mod 256, and an empty tile never exists.
 */
/** Hashes in a full tile and entries in a full bundle. */
export const TILE_WIDTH = 256;
/** A tile spans 8 levels of the tree: 2^8 = TILE_WIDTH. */
export const TILE_HEIGHT = 8;
export const TILE_HASH_SIZE = 32;
/** tlog-tiles: "Full tiles MUST be exactly 256 hashes wide, or 8,192 bytes." */
export const FULL_TILE_BYTES = TILE_WIDTH * TILE_HASH_SIZE;
/** tlog-tiles: `<L>` is between 0 and 63. */
export const MAX_TILE_LEVEL = 63;

/** A level-L hash tile, or (level 'entries') an entry bundle; width 256 is full, 1..255 partial. */
export type TileRef =
  | { kind: 'hash'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number };

export const isFull = (tile: TileRef): boolean => tile.width === TILE_WIDTH;

/** 256^level as a bigint (levels up to 63 overflow a double's exact range). */
const span = (level: number): bigint => 1n << BigInt(TILE_HEIGHT * level);
const MAX_SIZE = BigInt(Number.MAX_SAFE_INTEGER);

/** The level whose hashes a tile holds; entry bundles sit over level 0. */
export const tileLevel = (tile: TileRef): number => (tile.kind === 'hash' ? tile.level : 0);

/**
 * The tree sizes for which `tile` exists: a full tile from `from` on (it never changes), a
 * partial one for sizes in [from, to) (those whose floor(size / 256^L) mod 256 is its width).
 * Undefined when no tree of at most 2^53 - 1 leaves has it.
 */
export function treeSizesWith(tile: TileRef): { from: number; to: number | undefined } | undefined {
  const unit = span(tileLevel(tile));
  const leavesBefore = (BigInt(tile.index) * BigInt(TILE_WIDTH) + BigInt(tile.width)) * unit;
  if (leavesBefore > MAX_SIZE) return undefined;
  if (isFull(tile)) return { from: Number(leavesBefore), to: undefined };
  const to = leavesBefore + unit;
  return { from: Number(leavesBefore), to: to > MAX_SIZE ? Number.MAX_SAFE_INTEGER + 1 : Number(to) };
}

/** True when a tree of `size` leaves has `tile` (tlog-tiles, "Partial Tiles"). */
export function tileExistsAt(tile: TileRef, size: number): boolean {
  const sizes = treeSizesWith(tile);
  return sizes !== undefined && size >= sizes.from && (sizes.to === undefined || size < sizes.to);
}

/** The RFC 9162 nodes a hash tile holds: height 8L, indexes [first, first + width). */
export function tileNodes(tile: TileRef): { height: number; first: number; count: number } {
  return { height: TILE_HEIGHT * tileLevel(tile), first: tile.index * TILE_WIDTH, count: tile.width };
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`a tree size is a safe integer >= 0, got ${size}`);
}

/** Complete subtrees of 256^level leaves in a tree of `size` leaves: floor(size / 256^level). */
function hashesAtLevel(size: number, level: number): number {
  return Number(BigInt(size) / span(level));
}

/**
 * Every hash tile a tree of `size` leaves has, by level then index: its full tiles and, per
 * level, the partial tile of width floor(size / 256^L) mod 256 when that is not 0.
 */
export function hashTilesAt(size: number): TileRef[] {
  checkSize(size);
  const tiles: TileRef[] = [];
  for (let level = 0; level <= MAX_TILE_LEVEL; level++) {
    const hashes = hashesAtLevel(size, level);
    if (hashes === 0) break;
    const full = Math.floor(hashes / TILE_WIDTH);
    for (let index = 0; index < full; index++) tiles.push({ kind: 'hash', level, index, width: TILE_WIDTH });
    const width = hashes % TILE_WIDTH;
    if (width > 0) tiles.push({ kind: 'hash', level, index: full, width });
  }
  return tiles;
}

/** Every entry bundle a tree of `size` leaves has: full ones, then the partial one if any. */
export function entryBundlesAt(size: number): TileRef[] {
  checkSize(size);
  const full = Math.floor(size / TILE_WIDTH);
  const bundles: TileRef[] = [];
  for (let index = 0; index < full; index++) bundles.push({ kind: 'entries', index, width: TILE_WIDTH });
  if (size % TILE_WIDTH > 0) bundles.push({ kind: 'entries', index: full, width: size % TILE_WIDTH });
  return bundles;
}

/** The partial tiles and bundle of a tree of `size` leaves (those that exist for that size only). */
export function partialTilesAt(size: number): TileRef[] {
  return [...hashTilesAt(size), ...entryBundlesAt(size)].filter((t) => !isFull(t));
}

/**
 * The full hash tiles and bundles that a tree of `newSize` has and one of `oldSize` has not
 * (they became full in between), level by level, streamed: what an incremental mirror must
 * add, besides the partial tiles of the sizes it publishes.
 */
export function* fullTilesBetween(oldSize: number, newSize: number): Generator<TileRef> {
  checkSize(oldSize);
  checkSize(newSize);
  if (oldSize > newSize) throw new RangeError(`sizes out of order: ${oldSize} > ${newSize}`);
  for (let level = 0; level <= MAX_TILE_LEVEL; level++) {
    const before = Math.floor(hashesAtLevel(oldSize, level) / TILE_WIDTH);
    const after = Math.floor(hashesAtLevel(newSize, level) / TILE_WIDTH);
    if (after === 0) break;
    for (let index = before; index < after; index++) yield { kind: 'hash', level, index, width: TILE_WIDTH };
  }
  const before = Math.floor(oldSize / TILE_WIDTH);
  for (let index = before; index < Math.floor(newSize / TILE_WIDTH); index++) yield { kind: 'entries', index, width: TILE_WIDTH };
}

