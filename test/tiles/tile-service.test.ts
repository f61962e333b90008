/** Tiles read from the real store (src/ledger/tiles.ts) match the tiles.json vectors byte for byte. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { TileService } from '../../src/ledger/tiles.js';
import { parseTilePath, tilePath, type TileRef } from '../../src/tiles/index.js';
import { loadVectors, type TileVectors } from '../support/vectors.js';
import { buildVectorLog, type VectorLog } from '../support/vector-log.js';

const vectors = loadVectors<TileVectors>('tiles.json');
const SIZES = vectors.cases.map((c) => c.size);
const LOG_SIZE = Math.max(...SIZES);

function notFound(tiles: TileService, path: string): boolean {
  try {
    tiles.read(parseTilePath(path));
    return false;
  } catch (err) {
    return err instanceof LedgerError && err.code === 'NOT_FOUND';
  }
}

describe('tile service over the vector logs', () => {
  let log: VectorLog;
  let tiles: TileService;
  beforeAll(() => {
    log = buildVectorLog(LOG_SIZE, SIZES);
    tiles = new TileService(log.store);
  });
  afterAll(() => log.cleanup());

  it('signed a checkpoint at each vector size whose root is the vector root', () => {
    for (const c of vectors.cases) expect(toHex(log.store.checkpoints.at(c.size)!.rootHash)).toBe(c.root_hex);
  });

  for (const c of vectors.cases) {
    it(`serves every tile and bundle of size ${c.size} byte for byte`, () => {
      for (const t of [...c.tiles, ...c.entry_bundles]) expect(toHex(tiles.read(parseTilePath(t.path))), t.path).toBe(t.hex);
    });
  }

  it('has no partial tile for a size no checkpoint was signed at', () => {
    expect(notFound(tiles, 'tile/0/000.p/7')).toBe(true);
    expect(notFound(tiles, 'tile/entries/000.p/7')).toBe(true);
    expect(notFound(tiles, 'tile/0/002.p/87')).toBe(true);
    expect(notFound(tiles, 'tile/1/000.p/3')).toBe(true);
  });

  it('has no tile beyond the latest signed checkpoint, full or partial', () => {
    expect(notFound(tiles, 'tile/0/002')).toBe(true);
    expect(notFound(tiles, 'tile/entries/002')).toBe(true);
    expect(notFound(tiles, 'tile/1/000')).toBe(true);
    expect(notFound(tiles, 'tile/2/000.p/1')).toBe(true);
    expect(notFound(tiles, 'tile/0/003.p/1')).toBe(true);
  });

  it('keeps serving the partial tiles of earlier checkpoints once the full tile exists', () => {
    expect(toHex(tiles.read(parseTilePath('tile/0/000.p/5')))).toBe(toHex(tiles.read(parseTilePath('tile/0/000'))).slice(0, 5 * 64));
  });

  it('lists what an export must add after a size: new full tiles, then new partial tiles of later checkpoints', () => {
    const paths = (from: number) => [...tiles.tilesSince(from, LOG_SIZE)].map((t: TileRef) => tilePath(t));
    expect(paths(257)).toEqual(['tile/0/001', 'tile/entries/001', 'tile/0/002.p/88', 'tile/1/000.p/2', 'tile/entries/002.p/88']);
    expect(paths(600)).toEqual([]);
    // From nothing: every tile any checkpoint needs, each once.
    const all = paths(0);
    expect(new Set(all).size).toBe(all.length);
    const needed = new Set(vectors.cases.flatMap((c) => [...c.tiles, ...c.entry_bundles].map((t) => t.path)));
    expect(new Set(all)).toEqual(needed);
  });
});
