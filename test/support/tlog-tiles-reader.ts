/**
 * An independent C2SP tlog-tiles client, written from the spec (https://c2sp.org/tlog-tiles) and
 * RFC 9162 for the tests: it shares no code with the server's tile code (src/tiles,
 * src/ledger/tiles.ts), only the signed-note parser and the RFC 9162 inclusion verifier.
 *
 * Given a checkpoint it fetches exactly the tiles that checkpoint's size needs (never an
 * arbitrary partial tile), then checks that:
 *  1. every tile has 32 bytes per hash and its width, full tiles 8,192 bytes;
 *  2. the root it computes from the tiles is the checkpoint's root;
 *  3. each hash of a level L >= 1 tile is the Merkle Tree Hash of the full tile below it;
 *  4. every tile has RFC 9162 inclusion proofs, built from the other tiles, to the
 *     checkpoint's root: a full tile's own root (a complete subtree of 256^(L+1) leaves), or
 *     each hash of a partial tile (complete subtrees of 256^L leaves);
 *  5. every entry bundle is uint16-length-prefixed leaves, as many as its width, each hashing
 *     (RFC 9162: SHA-256(0x00 || leaf)) to its level-0 tile hash.
 * Any failure throws with the path involved. Go's golang.org/x/mod/sumdb/tlog is the reference
 * reader, but Go is not installed here.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nodeCrypto } from '../../src/crypto/node.js';
import { verifyInclusion } from '../../src/merkle/index.js';
import { openCheckpoint, parseVerifierKey } from '../../src/note/index.js';

export interface Fetched {
  status: number;
  body: Uint8Array;
  headers: Record<string, string>;
}

/** Fetches a resource by its path relative to the log's prefix (`checkpoint`, `tile/0/000`). */
export type TlogSource = (relativePath: string) => Promise<Fetched>;

/** A log served over HTTP under `prefix` (e.g. `http://127.0.0.1:1234/tlog/`). */
export function httpSource(prefix: string, requestHeaders: Record<string, string> = {}): TlogSource {
  return async (relative) => {
    const res = await fetch(new URL(relative, prefix), { headers: requestHeaders });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => void (headers[name] = value));
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), headers };
  };
}

/** A log mirrored as static files under `dir` (what `ledger export-tiles` writes). */
export function dirSource(dir: string): TlogSource {
  return async (relative) => {
    try {
      return { status: 200, body: new Uint8Array(await readFile(path.join(dir, ...relative.split('/')))), headers: {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 404, body: new Uint8Array(), headers: {} };
      throw err;
    }
  };
}

export interface ReadOptions {
  verifierKey: string;
  origin: string;
  /** Also fetch and check the entry bundles (they need an auditor token over HTTP). */
  entries: boolean;
}

export interface TlogRead {
  size: number;
  root: Uint8Array;
  /** Every tile and bundle fetched, relative paths. */
  paths: string[];
  /** Leaf bytes by index, when entries were read. */
  leaves: Uint8Array[];
  proofsChecked: number;
}

const WIDTH = 256;
const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const hashPair = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** `<N>` as the spec writes it: 3-digit groups, all but the last prefixed with x. */
function indexPath(n: number): string {
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function resourcePath(level: number | 'entries', index: number, width: number): string {
  return `tile/${level}/${indexPath(index)}${width < WIDTH ? `.p/${width}` : ''}`;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export async function readTlog(source: TlogSource, opts: ReadOptions): Promise<TlogRead> {
  const fetched = await source('checkpoint');
  if (fetched.status !== 200) throw new Error(`checkpoint: status ${fetched.status}`);
  const { checkpoint } = openCheckpoint(nodeCrypto, fetched.body, [parseVerifierKey(nodeCrypto, opts.verifierKey)], { expectedOrigin: opts.origin });
  const size = checkpoint.size;
  const paths: string[] = [];

  // The tiles this size needs: per level, floor(size / 256^L) hashes in tiles of 256 (tlog-tiles, "Merkle Tree").
  const levels: Uint8Array[][] = []; // levels[L][j] = hash j at level L
  for (let level = 0, unit = 1; Math.floor(size / unit) > 0; level++, unit *= WIDTH) {
    const count = Math.floor(size / unit);
    const hashes: Uint8Array[] = [];
    for (let index = 0; index * WIDTH < count; index++) {
      const width = Math.min(WIDTH, count - index * WIDTH);
      const p = resourcePath(level, index, width);
      const res = await source(p);
      if (res.status !== 200) throw new Error(`${p}: status ${res.status}`);
      if (res.body.length !== 32 * width) throw new Error(`${p}: ${res.body.length} bytes, expected ${32 * width}`);
      for (let i = 0; i < width; i++) hashes.push(res.body.slice(32 * i, 32 * i + 32));
      paths.push(p);
    }
    levels.push(hashes);
  }

  // MTH(D[lo:hi]) (RFC 9162 §2.1.1) from tile hashes, using a level-L hash for any aligned block of 256^L.
  const memo = new Map<string, Uint8Array>();
  const mth = (lo: number, hi: number): Uint8Array => {
    const key = `${lo}:${hi}`;
    const known = memo.get(key);
    if (known) return known;
    let hash: Uint8Array | undefined;
    for (let level = levels.length - 1, unit = WIDTH ** (levels.length - 1); level >= 0 && !hash; level--, unit /= WIDTH) {
      if (hi - lo === unit && lo % unit === 0) hash = levels[level]![lo / unit];
    }
    if (!hash) {
      const k = largestPowerOfTwoBelow(hi - lo);
      hash = hashPair(mth(lo, lo + k), mth(lo + k, hi));
    }
    memo.set(key, hash);
    return hash;
  };

  // 2. The root.
  const root = size === 0 ? sha256() : mth(0, size);
  if (!sameBytes(root, checkpoint.rootHash)) throw new Error(`the tiles' root differs from the checkpoint's (size ${size})`);

  // The root of a full tile: its 256 hashes hashed as a perfect tree (a complete subtree of 256^(L+1) leaves).
  const fullTileRoot = (level: number, index: number): Uint8Array => {
    let row = levels[level]!.slice(index * WIDTH, (index + 1) * WIDTH);
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, i) => hashPair(row[2 * i]!, row[2 * i + 1]!));
    return row[0]!;
  };
  const tileRoots = levels.map((hashes, level) => Array.from({ length: Math.floor(hashes.length / WIDTH) }, (_, index) => fullTileRoot(level, index)));

  // 3. Each level L >= 1 hash is the root of the full tile below it.
  for (let level = 1; level < levels.length; level++) {
    levels[level]!.forEach((hash, j) => {
      if (!sameBytes(tileRoots[level - 1]![j]!, hash)) throw new Error(`level ${level} hash ${j} is not the hash of tile ${resourcePath(level - 1, j, WIDTH)}`);
    });
  }

  // 4. Every tile against the root with RFC 9162 inclusion proofs, built from the other tiles.
  // The audit path of the block [a, b) in the tree over [lo, hi), the sibling nearest the
  // block first (RFC 9162 §2.1.3.1). A complete block of 2^h leaves is leaf a / 2^h of the
  // tree over ceil(size / 2^h) such blocks, whose root is the same root.
  const auditPath = (lo: number, hi: number, a: number, b: number): Uint8Array[] => {
    if (lo === a && hi === b) return [];
    const k = largestPowerOfTwoBelow(hi - lo);
    return b <= lo + k ? [...auditPath(lo, lo + k, a, b), mth(lo + k, hi)] : [...auditPath(lo + k, hi, a, b), mth(lo, lo + k)];
  };
  let proofsChecked = 0;
  const prove = (what: string, hash: Uint8Array, blockSize: number, block: number) => {
    const proof = auditPath(0, size, block * blockSize, (block + 1) * blockSize);
    const verdict = verifyInclusion(nodeCrypto, { leafHash: hash, index: block, size: Math.ceil(size / blockSize), proof, root: checkpoint.rootHash });
    if (!verdict.ok) throw new Error(`${what}: ${verdict.reason}`);
    proofsChecked++;
  };
  levels.forEach((hashes, level) => {
    const unit = WIDTH ** level;
    for (let index = 0; index * WIDTH < hashes.length; index++) {
      const tile = hashes.slice(index * WIDTH, (index + 1) * WIDTH);
      const p = resourcePath(level, index, tile.length);
      if (tile.length === WIDTH) {
        prove(p, tileRoots[level]![index]!, unit * WIDTH, index);
      } else {
        // A partial tile's hashes are each a complete subtree of 256^L leaves.
        tile.forEach((hash, i) => prove(`${p} hash ${i}`, hash, unit, index * WIDTH + i));
      }
    }
  });

  // 5. Entry bundles.
  const leaves: Uint8Array[] = [];
  if (opts.entries) {
    for (let index = 0; index * WIDTH < size; index++) {
      const width = Math.min(WIDTH, size - index * WIDTH);
      const p = resourcePath('entries', index, width);
      const res = await source(p);
      if (res.status !== 200) throw new Error(`${p}: status ${res.status}`);
      let at = 0;
      for (let i = 0; i < width; i++) {
        if (at + 2 > res.body.length) throw new Error(`${p}: ends inside entry ${i}'s length`);
        const length = (res.body[at]! << 8) | res.body[at + 1]!;
        const leaf = res.body.slice(at + 2, at + 2 + length);
        if (leaf.length !== length) throw new Error(`${p}: entry ${i} is cut short`);
        const n = index * WIDTH + i;
        if (!sameBytes(sha256(Uint8Array.of(0), leaf), levels[0]![n]!)) throw new Error(`${p}: entry ${n} does not hash to its level-0 tile hash`);
        leaves.push(leaf);
        at += 2 + length;
      }
      if (at !== res.body.length) throw new Error(`${p}: ${res.body.length - at} bytes after its ${width} entries`);
      paths.push(p);
    }
  }
  return { size, root, paths, leaves, proofsChecked };
}
