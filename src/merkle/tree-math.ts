/**
 * Integer arithmetic on tree sizes and indexes. JS bitwise operators truncate to 32 bits,
 * and sizes may reach 2^53 - 1, so everything here uses plain arithmetic on safe integers.
 */

/** The largest power of two strictly below n (n >= 2): the split point k of RFC 9162 §2.1.1. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The smallest power of two >= n (n >= 1). */
function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * True when [start, end) is a range the RFC 9162 §2.1.1 recursion produces: start is a
 * multiple of the smallest power of two that holds the range. Only such ranges are made of
 * stored complete subtrees, and only for them does folding those subtrees give MTH(D[start:end]).
 */
export function isTreeShapedRange(start: number, end: number): boolean {
  if (start === end) return true;
  return start % powerOfTwoAtLeast(end - start) === 0;
}

/** A complete subtree: node (level, index) covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface SubtreeId {
  level: number;
  index: number;
}

/**
 * The complete subtrees that make up a tree-shaped range, left (largest) to right (smallest):
 * one per set bit of end - start, the binary decomposition that RFC 9162 §2.1.1's recursion
 * leaves on the ragged right edge. For [0, size) these are the right-edge frontier of `size`.
 */
export function completeSubtrees(start: number, end: number): SubtreeId[] {
  const levels: number[] = [];
  for (let rest = end - start, level = 0; rest > 0; rest = Math.floor(rest / 2), level++) {
    if (rest % 2 === 1) levels.push(level);
  }
  const out: SubtreeId[] = [];
  let at = start;
  for (let i = levels.length - 1; i >= 0; i--) {
    const width = 2 ** levels[i]!;
    out.push({ level: levels[i]!, index: at / width });
    at += width;
  }
  return out;
}
