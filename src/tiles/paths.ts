/**
 * C2SP tlog-tiles resource paths, relative to the log's prefix: `checkpoint`,
 * `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`.
 *
 * - `<L>`: decimal 0..63, no leading zeros.
 * - `<N>`: the index in zero-padded 3-digit groups, every group but the last prefixed with `x`
 *   (1234067 is `x001/x234/067`), so tiles can be files in directories that never collide.
 * - `.p/<W>`: only on partial tiles; `<W>` decimal 1..255, no leading zeros.
 *
 * Every tile has exactly one path: the parser refuses any other spelling (an extra `x000/`
 * group, a leading zero, `.p/256`, upper case, a trailing slash, percent-escapes...).
 */
import { TileError } from './errors.js';
import { MAX_TILE_LEVEL, TILE_WIDTH, type TileRef } from './layout.js';

export const CHECKPOINT_PATH = 'checkpoint';
const ENTRIES = 'entries';

/** `<N>` of a tile index: 1234067 -> `x001/x234/067`. */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a tile index is a safe integer >= 0, got ${index}`);
  let text = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    text = `x${String(rest % 1000).padStart(3, '0')}/${text}`;
  }
  return text;
}

/** The path of a tile or bundle, relative to the prefix: `tile/1/x001/234.p/7`, `tile/entries/000`. */
export function tilePath(tile: TileRef): string {
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH) {
    throw new RangeError(`a tile width is 1..${TILE_WIDTH}, got ${tile.width}`);
  }
  const level = tile.kind === 'entries' ? ENTRIES : String(tile.level);
  const partial = tile.width === TILE_WIDTH ? '' : `.p/${tile.width}`;
  return `tile/${level}/${formatTileIndex(tile.index)}${partial}`;
}

const LEVEL = /^(?:0|[1-9]\d?)$/;
const WIDTH = /^[1-9]\d{0,2}$/;
const GROUP = /^\d{3}$/;
const X_GROUP = /^x\d{3}$/;

/**
 * Parses a path relative to the prefix (`tile/...`) into the tile it names. Throws TileError
 * MALFORMED_TILE_PATH for anything but the canonical spelling, TILE_BEYOND_ANY_LOG for a
 * canonical index above 2^53 - 1.
 */
export function parseTilePath(path: string): TileRef {
  const malformed = (why: string) => new TileError('MALFORMED_TILE_PATH', `${why}; tlog-tiles paths look like tile/<L>/x001/x234/067[.p/<W>] or tile/entries/<N>[.p/<W>]`);
  const parts = path.split('/');
  if (parts.length < 3 || parts[0] !== 'tile') throw malformed('not a tile path');
  const levelText = parts[1]!;
  let rest = parts.slice(2);

  let width = TILE_WIDTH;
  const last = rest.length - 1;
  if (last >= 1 && rest[last - 1]!.endsWith('.p')) {
    const w = rest[last]!;
    if (!WIDTH.test(w) || Number(w) >= TILE_WIDTH) throw malformed(`partial width "${w}" is not a decimal 1..255 without leading zeros`);
    width = Number(w);
    rest = [...rest.slice(0, last - 1), rest[last - 1]!.slice(0, -'.p'.length)];
  }

  const index = parseIndexGroups(rest, malformed);
  if (levelText === ENTRIES) return { kind: 'entries', index, width };
  if (!LEVEL.test(levelText) || Number(levelText) > MAX_TILE_LEVEL) {
    throw malformed(`level "${levelText}" is not a decimal 0..${MAX_TILE_LEVEL} without leading zeros`);
  }
  return { kind: 'hash', level: Number(levelText), index, width };
}

function parseIndexGroups(groups: string[], malformed: (why: string) => TileError): number {
  const final = groups.at(-1);
  if (final === undefined || !GROUP.test(final)) throw malformed('the index must end in a group of exactly 3 digits');
  const leading = groups.slice(0, -1);
  for (const g of leading) if (!X_GROUP.test(g)) throw malformed(`index group "${g}" is not x followed by 3 digits`);
  // Canonical: no leading zero group (x000/001 is 001).
  if (leading[0] === 'x000') throw malformed('the index has a leading x000 group');
  let index = 0n;
  for (const g of groups) index = index * 1000n + BigInt(g.replace('x', ''));
  if (index > BigInt(Number.MAX_SAFE_INTEGER)) throw new TileError('TILE_BEYOND_ANY_LOG', 'the tile index is beyond any tree below 2^53 entries');
  return Number(index);
}
