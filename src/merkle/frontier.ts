/**
 * The right-edge frontier (a "compact range" over [0, size)): one complete-subtree root per
 * set bit of the tree size, so appending and computing the root take O(log n) time and
 * memory, however large the log. Same idea as the compact ranges of transparency-dev/merkle.
 */
import type { Crypto } from '../crypto/types.js';
import { assertHash, assertTreeNumber } from './checks.js';
import { MerkleError } from './errors.js';
import { emptyRoot, nodeHash } from './hash.js';
import { readNode } from './read-node.js';
import { completeSubtrees } from './tree-math.js';
import type { Hash, NewNode, NodeReader } from './types.js';

export class Frontier {
  readonly #c: Crypto;
  #size: number;
  /** Roots of the complete subtrees of size's binary decomposition, largest (leftmost) first. */
  readonly #subtreeRoots: Hash[];

  private constructor(c: Crypto, size: number, subtreeRoots: Hash[]) {
    this.#c = c;
    this.#size = size;
    this.#subtreeRoots = subtreeRoots;
  }

  static empty(c: Crypto): Frontier {
    return new Frontier(c, 0, []);
  }

  /**
   * Rebuilds the frontier of a stored tree of `size` leaves from the stored roots of its
   * complete subtrees: O(log n) reads, never a leaf.
   */
  static load(c: Crypto, size: number, reader: NodeReader): Frontier {
    assertTreeNumber(size, 'tree size');
    const roots = completeSubtrees(0, size).map(({ level, index }) => readNode(reader, level, index));
    return new Frontier(c, size, roots);
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash. Returns the leaf's own level-0 node and every parent that this
   * append completes (one per trailing 1 bit of the old size, like a binary carry), bottom
   * up, so the store persists exactly the nodes that proofs will later read.
   */
  append(leafHash: Hash): NewNode[] {
    assertHash(leafHash, 'leaf hash');
    const leafIndex = this.#size;
    if (leafIndex >= Number.MAX_SAFE_INTEGER) {
      throw new MerkleError('INDEX_OUT_OF_RANGE', `tree size ${leafIndex} cannot grow without losing precision`);
    }
    const created: NewNode[] = [{ level: 0, index: leafIndex, hash: leafHash }];
    let hash = leafHash;
    let level = 0;
    // At each level, an odd node index means this node is a right child whose left sibling
    // is the last frontier entry: merge them and carry upward.
    for (let index = leafIndex; index % 2 === 1; ) {
      hash = nodeHash(this.#c, this.#subtreeRoots.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      created.push({ level, index, hash });
    }
    this.#subtreeRoots.push(hash);
    this.#size = leafIndex + 1;
    return created;
  }

  /**
   * MTH of the whole tree (RFC 9162 §2.1.1): the empty-tree hash at size 0; otherwise the
   * frontier folded right to left, since the RFC recursion pairs each complete subtree with
   * the root of everything to its right.
   */
  root(): Hash {
    const roots = this.#subtreeRoots;
    if (roots.length === 0) return emptyRoot(this.#c);
    let hash = roots[roots.length - 1]!;
    for (let i = roots.length - 2; i >= 0; i--) hash = nodeHash(this.#c, roots[i]!, hash);
    return hash;
  }

  /** An independent copy: appending to one does not change the other. */
  clone(): Frontier {
    return new Frontier(this.#c, this.#size, this.#subtreeRoots.slice());
  }
}
