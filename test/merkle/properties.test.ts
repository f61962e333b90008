/**
 * Property tests over random trees up to a few thousand leaves: every generated proof verifies
 * against the root computed by the independent reference MTH, and any change to the claim
 * (one flipped bit, another index, another size with that size's genuine root) is rejected.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/crypto/bytes.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import {
  MemoryNodeReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/merkle/index.js';
import { flipBit } from './helpers.js';

const MAX_SIZE = 4100;
const leafHashes = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(c, utf8(`property-leaf-${i}`)));
const tree = MemoryNodeReader.fromLeafHashes(c, leafHashes);

const roots = new Map<number, Hash>();
/** The real root of the tree of `size` leaves, by the plain RFC recursion (not the code that made the proofs). */
function realRoot(size: number): Hash {
  let root = roots.get(size);
  if (!root) roots.set(size, (root = rootOfLeafHashes(c, leafHashes.slice(0, size))));
  return root;
}

const sizeAndIndex = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }));
const twoSizes = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((newSize) => fc.record({ newSize: fc.constant(newSize), oldSize: fc.integer({ min: 1, max: newSize }) }));
const bit = fc.integer({ min: 0, max: 255 });

describe('inclusion proofs (property)', () => {
  const claim = (index: number, size: number) => ({
    leafHash: leafHashes[index]!,
    index,
    size,
    proof: inclusionProof(c, index, size, tree),
    root: realRoot(size),
  });

  it('verifies every generated proof', () => {
    fc.assert(fc.property(sizeAndIndex, ({ size, index }) => {
      expect(verifyInclusion(c, claim(index, size))).toEqual({ ok: true });
    }));
  });

  it('rejects a single flipped bit anywhere in the leaf hash, the root or the proof', () => {
    fc.assert(fc.property(sizeAndIndex, fc.nat(), bit, ({ size, index }, pick, b) => {
      const good = claim(index, size);
      const target = pick % (2 + good.proof.length);
      const bad =
        target === 0 ? { ...good, leafHash: flipBit(good.leafHash, b) }
        : target === 1 ? { ...good, root: flipBit(good.root, b) }
        : { ...good, proof: good.proof.map((p, i) => (i === target - 2 ? flipBit(p, b) : p)) };
      expect(verifyInclusion(c, bad).ok).toBe(false);
    }));
  });

  it('rejects the proof for another index of the same tree', () => {
    fc.assert(fc.property(sizeAndIndex, fc.nat(), ({ size, index }, other) => {
      fc.pre(size > 1);
      const otherIndex = (index + 1 + (other % (size - 1))) % size;
      expect(verifyInclusion(c, { ...claim(index, size), index: otherIndex }).ok).toBe(false);
    }));
  });

  it('rejects the proof against another size with that size\'s genuine root', () => {
    fc.assert(fc.property(sizeAndIndex, fc.integer({ min: 1, max: MAX_SIZE }), ({ size, index }, otherSize) => {
      fc.pre(otherSize !== size && otherSize > index);
      expect(verifyInclusion(c, { ...claim(index, size), size: otherSize, root: realRoot(otherSize) }).ok).toBe(false);
    }));
  });
});

describe('consistency proofs (property)', () => {
  const claim = (oldSize: number, newSize: number) => ({
    oldSize,
    newSize,
    oldRoot: realRoot(oldSize),
    newRoot: realRoot(newSize),
    proof: consistencyProof(c, oldSize, newSize, tree),
  });

  it('verifies every generated proof', () => {
    fc.assert(fc.property(twoSizes, ({ oldSize, newSize }) => {
      expect(verifyConsistency(c, claim(oldSize, newSize))).toEqual({ ok: true });
    }));
  });

  it('rejects a single flipped bit anywhere in either root or the proof', () => {
    fc.assert(fc.property(twoSizes, fc.nat(), bit, ({ oldSize, newSize }, pick, b) => {
      const good = claim(oldSize, newSize);
      const target = pick % (2 + good.proof.length);
      const bad =
        target === 0 ? { ...good, oldRoot: flipBit(good.oldRoot, b) }
        : target === 1 ? { ...good, newRoot: flipBit(good.newRoot, b) }
        : { ...good, proof: good.proof.map((p, i) => (i === target - 2 ? flipBit(p, b) : p)) };
      expect(verifyConsistency(c, bad).ok).toBe(false);
    }));
  });

  it('rejects the proof for another old size, given that size\'s genuine root', () => {
    fc.assert(fc.property(twoSizes, fc.integer({ min: 1, max: MAX_SIZE }), ({ oldSize, newSize }, otherOld) => {
      fc.pre(otherOld !== oldSize && otherOld <= newSize);
      expect(verifyConsistency(c, { ...claim(oldSize, newSize), oldSize: otherOld, oldRoot: realRoot(otherOld) }).ok).toBe(false);
    }));
  });

  it('rejects the proof for another new size, given that size\'s genuine root', () => {
    fc.assert(fc.property(twoSizes, fc.integer({ min: 1, max: MAX_SIZE }), ({ oldSize, newSize }, otherNew) => {
      fc.pre(otherNew !== newSize && otherNew >= oldSize);
      expect(verifyConsistency(c, { ...claim(oldSize, newSize), newSize: otherNew, newRoot: realRoot(otherNew) }).ok).toBe(false);
    }));
  });
});
