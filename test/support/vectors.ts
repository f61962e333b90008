/**
 * Loads the golden vectors from ../shared/vectors/ (never copied into this repo).
 * They come from an independent reference implementation; see that folder's README.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VECTORS_DIR = path.resolve(here, '../../../shared/vectors');

export function loadVectors<T = any>(name: 'merkle.json' | 'checkpoints.json' | 'rfc6962_reference.json' | 'cosignatures.json' | 'tiles.json'): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, name), 'utf8')) as T;
}

/** tiles.json: C2SP tlog-tiles for a few tree sizes (see ../shared/vectors/README.md). */
export interface TileVectors {
  description: string;
  /** index -> its `<N>` path form */
  index_paths: Record<string, string>;
  cases: {
    size: number;
    root_hex: string;
    tiles: { path: string; level: number; index: number; width: number; hex: string }[];
    entry_bundles: { path: string; index: number; width: number; hex: string }[];
  }[];
}

/** Leaf i of the tiles.json logs: the ASCII text `tile vector leaf <i>`. */
export const tileVectorLeaf = (i: number): Uint8Array => new TextEncoder().encode(`tile vector leaf ${i}`);
