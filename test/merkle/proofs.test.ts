/** Proof generation from stored complete subtrees: shape, argument checks, and O(log n) reads. */
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import {
  MemoryNodeReader,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rangeRoot,
  rootAt,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeReader,
} from '../../src/merkle/index.js';
import { CountingReader } from './helpers.js';

const SIZE = 5000;
const leaves = Array.from({ length: SIZE }, (_, i) => leafHash(c, utf8(`proof-leaf-${i}`)));
const tree = MemoryNodeReader.fromLeafHashes(c, leaves);
const code = (code: string) => expect.objectContaining({ code });

/**
 * A virtual tree of any size up to 2^53 - 1 whose leaves are all the same hash, so node
 * (level, index) is the same for every index and costs O(level) to compute. It records every
 * node asked for, to check that generation only reads complete subtrees within the size.
 */
class UniformTree implements NodeReader {
  readonly levels: Hash[] = [leafHash(c, utf8('uniform'))];
  readonly asked: [number, number][] = [];
  getNode(level: number, index: number): Hash {
    this.asked.push([level, index]);
    while (this.levels.length <= level) this.levels.push(nodeHash(c, this.levels.at(-1)!, this.levels.at(-1)!));
    return this.levels[level]!;
  }
}

describe('range roots', () => {
  it('equal the reference MTH of every tree-shaped range of a small tree', () => {
    for (let width = 1; width <= 64; width *= 2) {
      for (let start = 0; start + 1 <= 200; start += width) {
        for (let end = start + 1; end <= Math.min(start + width, 200); end++) {
          if (end - start <= width / 2) continue; // tree-shaped: width is the smallest power of two that holds it
          expect(toHex(rangeRoot(c, start, end, tree)), `[${start}, ${end})`).toBe(toHex(rootOfLeafHashes(c, leaves.slice(start, end))));
        }
      }
    }
  });

  it('give the empty-tree hash for an empty range, and rootAt(0) is the empty root', () => {
    expect(toHex(rangeRoot(c, 8, 8, tree))).toBe(toHex(emptyRoot(c)));
    expect(toHex(rootAt(c, 0, tree))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuse a range that the RFC recursion never produces, or one that runs backwards', () => {
    expect(() => rangeRoot(c, 1, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => rangeRoot(c, 4, 9, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => rangeRoot(c, 5, 3, tree)).toThrow(code('SIZES_OUT_OF_ORDER'));
    expect(() => rangeRoot(c, -1, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
  });
});

describe('inclusion proof generation', () => {
  it('is empty for the only leaf of a one-leaf tree', () => {
    expect(inclusionProof(c, 0, 1, tree)).toEqual([]);
  });

  it('lists the leaf\'s sibling first (hand-derived for 3 leaves)', () => {
    // MTH(3) = H(H(l0, l1), l2): leaf 0's path is [l1, l2]; leaf 2's path is [H(l0, l1)].
    expect(inclusionProof(c, 0, 3, tree).map(toHex)).toEqual([toHex(leaves[1]!), toHex(leaves[2]!)]);
    expect(inclusionProof(c, 2, 3, tree).map(toHex)).toEqual([toHex(nodeHash(c, leaves[0]!, leaves[1]!))]);
  });

  it('requires 0 <= index < size, as safe integers', () => {
    expect(() => inclusionProof(c, 3, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => inclusionProof(c, 0, 0, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => inclusionProof(c, -1, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => inclusionProof(c, 0.5, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => inclusionProof(c, 0, Number.NaN, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => inclusionProof(c, 0, 2 ** 53, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
  });

  it('fails loudly when the store lacks a node the size needs', () => {
    expect(() => inclusionProof(c, 0, SIZE + 1, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
  });

  it('reads at most 2 log2(n) nodes', () => {
    for (const size of [1, 2, 3, 7, 100, 1000, 1025, 4095, 4096, 4097, SIZE]) {
      const bound = 2 * Math.ceil(Math.log2(size));
      for (const index of [0, size >> 1, size - 1]) {
        const counting = new CountingReader(tree);
        inclusionProof(c, index, size, counting);
        expect(counting.reads, `index ${index}, size ${size}`).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('consistency proof generation', () => {
  it('is empty for equal sizes', () => {
    expect(consistencyProof(c, 7, 7, tree)).toEqual([]);
  });

  it('is hand-derivable for 3 -> 4: [l2, l3, H(l0, l1)]', () => {
    // RFC 9162 §2.1.4.1: SUBPROOF(3, D[4], true) = SUBPROOF(1, D[2:4], false) : MTH(D[0:2]).
    const want = [leaves[2]!, leaves[3]!, nodeHash(c, leaves[0]!, leaves[1]!)].map(toHex);
    expect(consistencyProof(c, 3, 4, tree).map(toHex)).toEqual(want);
  });

  it('requires 1 <= oldSize <= newSize, as safe integers', () => {
    expect(() => consistencyProof(c, 0, 3, tree)).toThrow(code('SIZES_OUT_OF_ORDER'));
    expect(() => consistencyProof(c, 4, 3, tree)).toThrow(code('SIZES_OUT_OF_ORDER'));
    expect(() => consistencyProof(c, 1.5, 3, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
    expect(() => consistencyProof(c, 1, Number.POSITIVE_INFINITY, tree)).toThrow(code('INDEX_OUT_OF_RANGE'));
  });

  it('reads at most 3 log2(n) nodes', () => {
    for (const newSize of [2, 3, 7, 100, 1000, 1025, 4095, 4096, 4097, SIZE]) {
      const bound = 3 * Math.ceil(Math.log2(newSize));
      for (const oldSize of [1, 2, 3, newSize >> 1, newSize - 1]) {
        if (oldSize < 1 || oldSize > newSize) continue;
        const counting = new CountingReader(tree);
        consistencyProof(c, oldSize, newSize, counting);
        expect(counting.reads, `${oldSize} -> ${newSize}`).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('proofs in trees beyond 2^32 leaves', () => {
  const sizes = [2 ** 32 + 1, 2 ** 40 + 12345, 2 ** 53 - 1];

  it('read only complete subtrees within the size, O(log n) of them, and verify', () => {
    for (const size of sizes) {
      const reader = new UniformTree();
      const root = rootAt(c, size, reader);
      for (const index of [0, 2 ** 31 + 7, size - 2, size - 1]) {
        reader.asked.length = 0;
        const proof = inclusionProof(c, index, size, reader);
        expect(reader.asked.length, `index ${index}, size ${size}`).toBeLessThanOrEqual(2 * 53);
        for (const [level, i] of reader.asked) expect((i + 1) * 2 ** level).toBeLessThanOrEqual(size);
        expect(verifyInclusion(c, { leafHash: reader.getNode(0, 0), index, size, proof, root })).toEqual({ ok: true });
      }
      for (const oldSize of [1, 2 ** 31 + 3, size - 1]) {
        reader.asked.length = 0;
        const proof = consistencyProof(c, oldSize, size, reader);
        expect(reader.asked.length).toBeLessThanOrEqual(3 * 53);
        for (const [level, i] of reader.asked) expect((i + 1) * 2 ** level).toBeLessThanOrEqual(size);
        const verdict = verifyConsistency(c, { oldSize, newSize: size, oldRoot: rootAt(c, oldSize, reader), newRoot: root, proof });
        expect(verdict, `${oldSize} -> ${size}`).toEqual({ ok: true });
      }
    }
  });
});
