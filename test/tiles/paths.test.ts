/** C2SP tlog-tiles paths and layout (src/tiles), against the golden vectors and the spec's own examples. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FULL_TILE_BYTES,
  TileError,
  entryBundlesAt,
  formatTileIndex,
  fullTilesBetween,
  hashTilesAt,
  parseTilePath,
  partialTilesAt,
  tileExistsAt,
  tilePath,
  treeSizesWith,
  type TileRef,
} from '../../src/tiles/index.js';
import { loadVectors, type TileVectors } from '../support/vectors.js';
import { typecheckForBrowser } from '../browser/browser-typecheck.js';

const vectors = loadVectors<TileVectors>('tiles.json');

function parseError(path: string): TileError | undefined {
  try {
    parseTilePath(path);
  } catch (err) {
    return err as TileError;
  }
  return undefined;
}

describe('tile index paths', () => {
  it('encode every vector index as the vectors do', () => {
    expect(Object.keys(vectors.index_paths).length).toBeGreaterThan(0);
    for (const [index, path] of Object.entries(vectors.index_paths)) expect(formatTileIndex(Number(index))).toBe(path);
  });

  it('spell the spec example 1234067 as x001/x234/067', () => {
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
  });

  it('round-trip through the parser for any index, level and width', () => {
    const tile = fc.oneof(
      fc.record({ kind: fc.constant('hash' as const), level: fc.integer({ min: 0, max: 63 }), index: fc.maxSafeNat(), width: fc.integer({ min: 1, max: 256 }) }),
      fc.record({ kind: fc.constant('entries' as const), index: fc.maxSafeNat(), width: fc.integer({ min: 1, max: 256 }) }),
    );
    fc.assert(fc.property(tile, (t: TileRef) => {
      expect(parseTilePath(tilePath(t))).toEqual(t);
    }));
  });
});

describe('tile paths of the vectors', () => {
  it('name each vector tile and bundle by its level, index and width, and parse back', () => {
    for (const c of vectors.cases) {
      for (const t of c.tiles) {
        const ref: TileRef = { kind: 'hash', level: t.level, index: t.index, width: t.width };
        expect(tilePath(ref)).toBe(t.path);
        expect(parseTilePath(t.path)).toEqual(ref);
      }
      for (const b of c.entry_bundles) {
        const ref: TileRef = { kind: 'entries', index: b.index, width: b.width };
        expect(tilePath(ref)).toBe(b.path);
        expect(parseTilePath(b.path)).toEqual(ref);
      }
    }
  });

  it('list exactly the tiles and bundles each vector size has', () => {
    for (const c of vectors.cases) {
      expect(hashTilesAt(c.size).map(tilePath)).toEqual(c.tiles.map((t) => t.path));
      expect(entryBundlesAt(c.size).map(tilePath)).toEqual(c.entry_bundles.map((b) => b.path));
      for (const t of c.tiles) expect(t.hex.length / 2).toBe(t.width === 256 ? FULL_TILE_BYTES : 32 * t.width);
    }
  });
});

describe('which tiles a tree has (tlog-tiles, "Partial Tiles")', () => {
  it('size 70,000: 273 full level-0 tiles, a partial of 112, one full level-1 tile, a partial of 17, a level-2 partial of 1', () => {
    const tiles = hashTilesAt(70_000);
    const at = (level: number) => tiles.filter((t) => t.kind === 'hash' && t.level === level);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).filter((t) => t.width < 256).map((t) => t.width)).toEqual([112]);
    expect(at(1).map((t) => t.width)).toEqual([256, 17]);
    expect(at(2).map((t) => t.width)).toEqual([1]);
    expect(tiles).toHaveLength(273 + 1 + 2 + 1);
  });

  it('size 256: a full level-0 tile and a level-1 partial of width 1', () => {
    expect(hashTilesAt(256).map(tilePath)).toEqual(['tile/0/000', 'tile/1/000.p/1']);
  });

  it('size 0 has no tile at all (empty tiles never exist)', () => {
    expect(hashTilesAt(0)).toEqual([]);
    expect(entryBundlesAt(0)).toEqual([]);
  });

  it('agrees with tileExistsAt for every tile of every size up to 70,000 sampled', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (size) => {
        const tiles = [...hashTilesAt(size), ...entryBundlesAt(size)];
        const listed = new Set(tiles.map(tilePath));
        for (const t of tiles) expect(tileExistsAt(t, size)).toBe(true);
        // Each listed tile's neighbours (wider, narrower, next, the level above) exist exactly when listed.
        for (const t of tiles) {
          const neighbours: TileRef[] = [{ ...t, index: t.index + 1 }, { ...t, width: 256 }, { ...t, index: t.index + 1, width: 1 }];
          if (t.width > 1) neighbours.push({ ...t, width: t.width - 1 });
          if (t.width < 256) neighbours.push({ ...t, width: t.width + 1 });
          if (t.kind === 'hash') neighbours.push({ ...t, level: t.level + 1, index: 0, width: 1 });
          for (const n of neighbours) expect(tileExistsAt(n, size)).toBe(listed.has(tilePath(n)));
        }
      }),
    );
  });

  it('gives the sizes for which a tile exists: a partial one for 256^L sizes, a full one forever', () => {
    expect(treeSizesWith({ kind: 'hash', level: 0, index: 2, width: 88 })).toEqual({ from: 600, to: 601 });
    expect(treeSizesWith({ kind: 'hash', level: 1, index: 0, width: 2 })).toEqual({ from: 512, to: 768 });
    expect(treeSizesWith({ kind: 'hash', level: 1, index: 0, width: 256 })).toEqual({ from: 65_536, to: undefined });
    expect(treeSizesWith({ kind: 'entries', index: 1, width: 256 })).toEqual({ from: 512, to: undefined });
    expect(treeSizesWith({ kind: 'hash', level: 7, index: 0, width: 1 })).toBeUndefined();
  });

  it('fullTilesBetween lists what became full, and with the partials of the new size gives every new tile', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 140_000 }), fc.integer({ min: 0, max: 140_000 }), (a, b) => {
        const [oldSize, newSize] = a <= b ? [a, b] : [b, a];
        const before = new Set([...hashTilesAt(oldSize), ...entryBundlesAt(oldSize)].map(tilePath));
        const after = [...hashTilesAt(newSize), ...entryBundlesAt(newSize)].map(tilePath);
        const added = [...fullTilesBetween(oldSize, newSize), ...partialTilesAt(newSize)].map(tilePath);
        expect(added.length).toBe(new Set(added).size);
        expect(new Set(added)).toEqual(new Set(after.filter((p) => !before.has(p) || p.includes('.p/'))));
      }),
      { numRuns: 50 },
    );
  });
});

describe('parsing refuses every non-canonical spelling', () => {
  const malformed = [
    '', 'tile', 'tile/', 'tile/0', 'tile/0/', 'tiles/0/000', '/tile/0/000', 'tile/0/000/',
    'tile/00/000', 'tile/01/000', 'tile/64/000', 'tile/-1/000', 'tile/+1/000', 'tile/1a/000', 'tile/ 0/000', 'tile/Entries/000', 'tile/ENTRIES/000',
    'tile/0/0', 'tile/0/00', 'tile/0/0000', 'tile/0/1', 'tile/0/abc', 'tile/0/-01', 'tile/0/0x1',
    'tile/0/x000/001', 'tile/0/x000/x001/000', 'tile/0/001/000', 'tile/0/x1/000', 'tile/0/x0001/000', 'tile/0/X001/000', 'tile/0/x001', 'tile/0/x001/x234',
    'tile/0/000.p', 'tile/0/000.p/', 'tile/0/000.p/0', 'tile/0/000.p/00', 'tile/0/000.p/05', 'tile/0/000.p/256', 'tile/0/000.p/1000', 'tile/0/000.p/-1', 'tile/0/000.p/5/',
    'tile/0/000.P/5', 'tile/0/000.p5', 'tile/0/000p/5', 'tile/0/.p/5', 'tile/0/000.p/5.p/3', 'tile/0/x001.p/2/000', 'tile/0/%30%30%30', 'tile/0/000%2Ep/5',
    'tile/entries/0', 'tile/entries/x000/001', 'tile/entries/000.p/256', 'tile/entries/000.p/0', 'tile/entries', 'tile/entries/',
    'tile/8/0/000', 'tile/8/0/x001/000.p/2',
  ];
  for (const path of malformed) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      expect(parseError(path)?.code).toBe('MALFORMED_TILE_PATH');
    });
  }

  it('refuses the canonical path of an index beyond 2^53 as a tile no log has', () => {
    expect(parseError('tile/0/x009/x007/x199/x254/x740/992')?.code).toBe('TILE_BEYOND_ANY_LOG');
    expect(parseTilePath('tile/0/x009/x007/x199/x254/x740/991').index).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('src/tiles is pure', () => {
  it('type-checks as browser code (no Node globals, no node: modules)', () => {
    const result = typecheckForBrowser(['src/tiles/index.ts']);
    expect(result.errors).toEqual([]);
    expect(result.projectFiles.every((f) => f.startsWith('src/tiles/'))).toBe(true);
  });
});
