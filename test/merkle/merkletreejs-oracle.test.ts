/**
 * merkletreejs as an independent oracle for roots and inclusion proofs. It is only an oracle,
 * never a candidate for the ledger: it keeps the whole tree in memory, rebuilds O(n) layers on
 * every append, and has no consistency proofs. It reproduces RFC 6962 exactly when leaves are
 * pre-hashed as SHA-256(0x00 || d), the hash is SHA-256 and the concatenator prepends 0x01
 * (no `complete`, `duplicateOdd`, `sortPairs` or `fillDefaultHash`): an odd node at the end of
 * a layer is then promoted unchanged, which is the RFC's split at the largest power of two.
 * Its empty tree differs (it has no root), so size 0 is left to the golden vectors.
 */
import { createHash } from 'node:crypto';
import { MerkleTree } from 'merkletreejs';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { Frontier, MemoryNodeReader, inclusionProof, leafHash, rootAt } from '../../src/merkle/index.js';
import { hexes } from './helpers.js';

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const RFC6962_NODE_PREFIX = Buffer.from([0x01]);

/** The oracle's leaves are hashed here with node:crypto directly, not with the code under test. */
function oracleLeafHash(data: Uint8Array): Buffer {
  return sha256(Buffer.concat([Buffer.from([0x00]), data]));
}

function oracleTree(leafHashes: Buffer[]): MerkleTree {
  return new MerkleTree(leafHashes, sha256, {
    concatenator: (pair: Buffer[]) => Buffer.concat([RFC6962_NODE_PREFIX, ...pair]),
  });
}

// Leaves repeat (every 7th is identical) so getProof must be given the index.
const leafData = (i: number): Uint8Array => utf8(i % 7 === 3 ? 'repeated leaf' : `oracle-leaf-${i}`);
const SIZES = [...Array.from({ length: 300 }, (_, i) => i + 1), 511, 512, 513, 1000, 1023, 1024, 1025, 2047, 2049, 3001];

describe('merkletreejs as an independent oracle', () => {
  const maxSize = Math.max(...SIZES);
  const data = Array.from({ length: maxSize }, (_, i) => leafData(i));
  const oracleLeaves = data.map(oracleLeafHash);
  const ours = data.map((d) => leafHash(c, d));
  const tree = MemoryNodeReader.fromLeafHashes(c, ours);

  it('agrees on leaf hashes', () => {
    expect(hexes(ours)).toEqual(oracleLeaves.map((b) => b.toString('hex')));
  });

  it('agrees on the root for sizes 1..300 and some larger ones', () => {
    const frontier = Frontier.empty(c);
    let checked = 0;
    for (let size = 1; size <= maxSize; size++) {
      frontier.append(ours[size - 1]!);
      if (!SIZES.includes(size)) continue;
      const want = oracleTree(oracleLeaves.slice(0, size)).getRoot().toString('hex');
      expect(toHex(frontier.root()), `frontier, size ${size}`).toBe(want);
      expect(toHex(rootAt(c, size, tree)), `stored subtrees, size ${size}`).toBe(want);
      checked++;
    }
    expect(checked).toBe(SIZES.length);
  });

  it('agrees on every inclusion proof for sizes 1..64, and on sampled ones up to 3001', () => {
    let checked = 0;
    for (const size of SIZES) {
      const oracle = oracleTree(oracleLeaves.slice(0, size));
      const indexes = size <= 64 ? Array.from({ length: size }, (_, i) => i) : [0, 1, 3, size >> 1, size - 2, size - 1];
      for (const index of indexes) {
        const want = oracle.getProof(oracleLeaves[index]!, index).map((step) => step.data.toString('hex'));
        expect(hexes(inclusionProof(c, index, size, tree)), `index ${index}, size ${size}`).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
});
