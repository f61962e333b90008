/**
 * RFC 9162 §2.1.3.1 inclusion proofs and §2.1.4.1 consistency proofs, generated from stored
 * complete subtrees through a {@link NodeReader}. Each sibling is MTH of a tree-shaped range;
 * at most one of them (plus, for consistency, the old tree's own ragged subtree) lies on a
 * ragged right edge, so a proof reads O(log n) nodes and never rehashes leaves.
 */
import type { Crypto } from '../crypto/types.js';
import { assertTreeNumber } from './checks.js';
import { MerkleError } from './errors.js';
import { emptyRoot, nodeHash } from './hash.js';
import { readNode } from './read-node.js';
import { completeSubtrees, isTreeShapedRange, largestPowerOfTwoBelow } from './tree-math.js';
import type { Hash, NodeReader } from './types.js';

/**
 * MTH(D[start:end]) for a range the RFC recursion produces (start a multiple of the smallest
 * power of two >= end - start); the empty-tree hash when start == end.
 */
export function rangeRoot(c: Crypto, start: number, end: number, reader: NodeReader): Hash {
  assertTreeNumber(start, 'range start');
  assertTreeNumber(end, 'range end');
  if (start > end) throw new MerkleError('SIZES_OUT_OF_ORDER', `range start ${start} is after its end ${end}`);
  if (!isTreeShapedRange(start, end)) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `range [${start}, ${end}) is not a subtree of the RFC 9162 tree shape`);
  }
  return foldRange(c, start, end, reader);
}

/** MTH(D[0:size]): the root of the tree at any stored size. */
export function rootAt(c: Crypto, size: number, reader: NodeReader): Hash {
  assertTreeNumber(size, 'tree size');
  return foldRange(c, 0, size, reader);
}

/** RFC 9162 §2.1.3.1 PATH(index, D[0:size]), the leaf's sibling first. Requires 0 <= index < size. */
export function inclusionProof(c: Crypto, index: number, size: number, reader: NodeReader): Hash[] {
  assertTreeNumber(index, 'leaf index');
  assertTreeNumber(size, 'tree size');
  if (index >= size) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `leaf index ${index} is not below tree size ${size}`);
  }
  // Walk from the root down to the leaf; the RFC lists the path leaf-first, hence the reverse.
  const rootFirst: Hash[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      rootFirst.push(foldRange(c, split, end, reader));
      end = split;
    } else {
      rootFirst.push(foldRange(c, start, split, reader));
      start = split;
    }
  }
  return rootFirst.reverse();
}

/**
 * RFC 9162 §2.1.4.1 PROOF(oldSize, D[0:newSize]). Requires 1 <= oldSize <= newSize;
 * equal sizes give the empty proof.
 */
export function consistencyProof(c: Crypto, oldSize: number, newSize: number, reader: NodeReader): Hash[] {
  assertTreeNumber(oldSize, 'old tree size');
  assertTreeNumber(newSize, 'new tree size');
  if (oldSize < 1) {
    throw new MerkleError('SIZES_OUT_OF_ORDER', 'old tree size must be at least 1: a proof from the empty tree is meaningless');
  }
  if (oldSize > newSize) {
    throw new MerkleError('SIZES_OUT_OF_ORDER', `old tree size ${oldSize} is larger than new tree size ${newSize}`);
  }
  // SUBPROOF(m, D[start:end], b) unrolled; `oldIsWholeSubtree` is the RFC's flag b: true while
  // the old tree is exactly a left part of the current range, so its root is known to the verifier.
  const rootFirst: Hash[] = [];
  let start = 0;
  let end = newSize;
  let oldIsWholeSubtree = true;
  while (oldSize !== end) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (oldSize <= split) {
      rootFirst.push(foldRange(c, split, end, reader));
      end = split;
    } else {
      rootFirst.push(foldRange(c, start, split, reader));
      start = split;
      oldIsWholeSubtree = false;
    }
  }
  if (!oldIsWholeSubtree) rootFirst.push(foldRange(c, start, end, reader));
  return rootFirst.reverse();
}

/** MTH of a tree-shaped range: its complete subtrees folded right to left (RFC 9162 §2.1.1). */
function foldRange(c: Crypto, start: number, end: number, reader: NodeReader): Hash {
  if (start === end) return emptyRoot(c);
  const parts = completeSubtrees(start, end);
  const last = parts[parts.length - 1]!;
  let hash = readNode(reader, last.level, last.index);
  for (let i = parts.length - 2; i >= 0; i--) {
    const part = parts[i]!;
    hash = nodeHash(c, readNode(reader, part.level, part.index), hash);
  }
  return hash;
}
