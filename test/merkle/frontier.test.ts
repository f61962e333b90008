/** The right-edge frontier: appends, complete nodes, loading from stored subtrees, root. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import {
  Frontier,
  MemoryNodeReader,
  MerkleError,
  leafHash,
  rootOfLeafHashes,
  type Hash,
  type NewNode,
} from '../../src/merkle/index.js';
import { CountingReader } from './helpers.js';

const MAX_SIZE = 2100;
const leaves = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(c, utf8(`frontier-leaf-${i}`)));
const tree = MemoryNodeReader.fromLeafHashes(c, leaves);

const describeNodes = (nodes: NewNode[]) => nodes.map((n) => `${n.level}/${n.index}/${toHex(n.hash)}`);

/**
 * Appending leaf `s` completes node (L, (s+1)/2^L - 1) for every L with 2^L dividing s+1:
 * that node covers leaves [(s+1) - 2^L, s+1), hashed here by the reference MTH.
 */
function expectedNewNodes(size: number): NewNode[] {
  const out: NewNode[] = [];
  for (let width = 1, level = 0; (size + 1) % width === 0; width *= 2, level++) {
    const end = size + 1;
    out.push({ level, index: end / width - 1, hash: rootOfLeafHashes(c, leaves.slice(end - width, end)) });
  }
  return out;
}

function expectSameFrontier(a: Frontier, b: Frontier): void {
  expect(a.size).toBe(b.size);
  expect(toHex(a.root())).toBe(toHex(b.root()));
  // Equal futures too: the next appends create the same nodes and roots.
  for (let i = 0; i < 3 && a.size < MAX_SIZE; i++) {
    const next = leaves[a.size]!;
    expect(describeNodes(a.append(next))).toEqual(describeNodes(b.append(next)));
    expect(toHex(a.root())).toBe(toHex(b.root()));
  }
}

describe('frontier', () => {
  it('starts empty, with the empty-tree root', () => {
    const f = Frontier.empty(c);
    expect(f.size).toBe(0);
    expect(toHex(f.root())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('returns from each append exactly the complete nodes it creates, bottom up', () => {
    const f = Frontier.empty(c);
    for (let size = 0; size < 520; size++) {
      expect(describeNodes(f.append(leaves[size]!)), `append at size ${size}`).toEqual(describeNodes(expectedNewNodes(size)));
    }
  });

  it('has the reference MTH as its root after every append', () => {
    const f = Frontier.empty(c);
    for (let size = 1; size <= 300; size++) {
      f.append(leaves[size - 1]!);
      expect(toHex(f.root()), `size ${size}`).toBe(toHex(rootOfLeafHashes(c, leaves.slice(0, size))));
    }
  });

  it('loads from stored subtrees into the same frontier that appending builds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_SIZE - 3 }), (size) => {
      const built = Frontier.empty(c);
      for (let i = 0; i < size; i++) built.append(leaves[i]!);
      expectSameFrontier(Frontier.load(c, size, tree), built);
    }), { numRuns: 60 });
  });

  it('reads exactly one stored node per set bit of the size when loading', () => {
    for (const size of [0, 1, 2, 3, 1024, 1025, 2047, 2048]) {
      const counting = new CountingReader(tree);
      Frontier.load(c, size, counting);
      const setBits = size.toString(2).split('').filter((b) => b === '1').length;
      expect(counting.reads, `size ${size}`).toBe(setBits);
    }
  });

  it('gives identical roots with nodeCrypto and nobleCrypto', () => {
    const viaNode = Frontier.empty(c);
    const viaNoble = Frontier.empty(nobleCrypto);
    for (let size = 1; size <= 600; size++) {
      viaNode.append(leaves[size - 1]!);
      viaNoble.append(leaves[size - 1]!);
      expect(toHex(viaNoble.root()), `size ${size}`).toBe(toHex(viaNode.root()));
    }
  });

  it('clones into an independent copy', () => {
    const f = Frontier.empty(c);
    for (let i = 0; i < 5; i++) f.append(leaves[i]!);
    const copy = f.clone();
    const rootAt5 = toHex(f.root());
    copy.append(leaves[5]!);
    expect(f.size).toBe(5);
    expect(toHex(f.root())).toBe(rootAt5);
    expect(copy.size).toBe(6);
    expect(toHex(copy.root())).toBe(toHex(rootOfLeafHashes(c, leaves.slice(0, 6))));
  });

  it('rejects a leaf hash that is not 32 bytes', () => {
    const f = Frontier.empty(c);
    expect(() => f.append(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'BAD_HASH_LENGTH' }));
    expect(() => f.append(new Uint8Array(33))).toThrow(MerkleError);
    expect(f.size).toBe(0);
  });

  it('rejects a size that is not a non-negative safe integer when loading', () => {
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => Frontier.load(c, size, tree), String(size)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
    }
  });

  it('refuses a stored node that is not a 32-byte hash', () => {
    const corrupt = { getNode: (): Hash => new Uint8Array(31) };
    expect(() => Frontier.load(c, 3, corrupt)).toThrow(expect.objectContaining({ code: 'BAD_HASH_LENGTH' }));
  });
});
