/** Integer helpers: exact beyond 32 bits, where JS bitwise operators would truncate. */
import { describe, expect, it } from 'vitest';
import { completeSubtrees, isPowerOfTwo, isTreeShapedRange, largestPowerOfTwoBelow } from '../../src/merkle/tree-math.js';

describe('tree arithmetic', () => {
  it('finds the RFC split point: the largest power of two strictly below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000, 1025].map(largestPowerOfTwoBelow)).toEqual([1, 2, 2, 4, 4, 8, 512, 1024]);
    expect(largestPowerOfTwoBelow(2 ** 32 + 1)).toBe(2 ** 32);
    expect(largestPowerOfTwoBelow(2 ** 53 - 1)).toBe(2 ** 52);
  });

  it('recognises powers of two', () => {
    expect([0, 1, 2, 3, 6, 8, 2 ** 40, 2 ** 40 + 2].map(isPowerOfTwo)).toEqual([false, true, true, false, false, true, true, false]);
  });

  it('decomposes a size into complete subtrees, largest first (13 = 8 + 4 + 1)', () => {
    expect(completeSubtrees(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(completeSubtrees(8, 14)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
    ]);
    expect(completeSubtrees(5, 5)).toEqual([]);
    expect(completeSubtrees(0, 2 ** 33 + 2)).toEqual([
      { level: 33, index: 0 },
      { level: 1, index: 2 ** 32 },
    ]);
  });

  it('tells the ranges the RFC recursion produces from the others', () => {
    expect([[0, 13], [8, 14], [12, 13], [4, 8], [3, 3]].every(([s, e]) => isTreeShapedRange(s!, e!))).toBe(true);
    expect([[1, 3], [4, 9], [2, 5], [6, 10]].some(([s, e]) => isTreeShapedRange(s!, e!))).toBe(false);
  });
});
