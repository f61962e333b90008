/**
 * The plain recursive Merkle Tree Hash of RFC 9162 §2.1.1, written as the RFC states it.
 * For tests and small inputs only: it rehashes every leaf, O(n) time and the whole list in
 * memory. The server uses {@link Frontier} and stored subtrees instead.
 */
import type { Crypto } from '../crypto/types.js';
import { emptyRoot, nodeHash } from './hash.js';
import { largestPowerOfTwoBelow } from './tree-math.js';
import type { Hash } from './types.js';

/** MTH(D[n]) over already-hashed leaves (each SHA-256(0x00 || leaf)). */
export function rootOfLeafHashes(c: Crypto, leafHashes: readonly Hash[]): Hash {
  if (leafHashes.length === 0) return emptyRoot(c);
  return mth(c, leafHashes, 0, leafHashes.length);
}

/** MTH(D[start:end]) for end - start >= 1: split at the largest power of two k < n. */
function mth(c: Crypto, leafHashes: readonly Hash[], start: number, end: number): Hash {
  const n = end - start;
  if (n === 1) return leafHashes[start]!;
  const k = largestPowerOfTwoBelow(n);
  return nodeHash(c, mth(c, leafHashes, start, start + k), mth(c, leafHashes, start + k, end));
}
