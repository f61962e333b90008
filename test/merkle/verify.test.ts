/** Verification: precise rejections with stable codes, and never a throw, whatever the input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/crypto/bytes.js';
import type { Crypto } from '../../src/crypto/types.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import {
  MemoryNodeReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootAt,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyClaim,
  type InclusionClaim,
} from '../../src/merkle/index.js';

const leaves = Array.from({ length: 40 }, (_, i) => leafHash(c, utf8(`verify-leaf-${i}`)));
const tree = MemoryNodeReader.fromLeafHashes(c, leaves);

// Index 5 of 13 leaves: a path of 4 hashes; 6 -> 13: a proof of several hashes.
const inclusion: InclusionClaim = {
  leafHash: leaves[5]!, index: 5, size: 13, proof: inclusionProof(c, 5, 13, tree), root: rootAt(c, 13, tree),
};
const consistency: ConsistencyClaim = {
  oldSize: 6, newSize: 13, oldRoot: rootAt(c, 6, tree), newRoot: rootAt(c, 13, tree), proof: consistencyProof(c, 6, 13, tree),
};
const rejected = (code: string) => ({ ok: false, code, reason: expect.stringMatching(/\S/) });
const anyInclusion = (claim: unknown) => verifyInclusion(c, claim as InclusionClaim);
const anyConsistency = (claim: unknown) => verifyConsistency(c, claim as ConsistencyClaim);

describe('inclusion verification', () => {
  it('accepts the genuine claim', () => {
    expect(inclusion.proof).toHaveLength(4);
    expect(verifyInclusion(c, inclusion)).toEqual({ ok: true });
  });

  it('rejects a proof one hash short', () => {
    expect(verifyInclusion(c, { ...inclusion, proof: inclusion.proof.slice(0, -1) })).toEqual(rejected('WRONG_PROOF_LENGTH'));
  });

  it('rejects a proof one hash long', () => {
    expect(verifyInclusion(c, { ...inclusion, proof: [...inclusion.proof, leaves[0]!] })).toEqual(rejected('WRONG_PROOF_LENGTH'));
  });

  it('rejects an index at or beyond the size', () => {
    expect(verifyInclusion(c, { ...inclusion, index: 13 })).toEqual(rejected('INDEX_OUT_OF_RANGE'));
    expect(verifyInclusion(c, { ...inclusion, index: 0, size: 0, proof: [] })).toEqual(rejected('INDEX_OUT_OF_RANGE'));
  });

  it('rejects indexes and sizes that are not non-negative safe integers', () => {
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '5', 5n, null]) {
      expect(anyInclusion({ ...inclusion, index: bad }), String(bad)).toEqual(rejected('INDEX_OUT_OF_RANGE'));
      expect(anyInclusion({ ...inclusion, size: bad }), String(bad)).toEqual(rejected('INDEX_OUT_OF_RANGE'));
    }
  });

  it('rejects hashes that are not exactly 32 bytes', () => {
    expect(verifyInclusion(c, { ...inclusion, root: new Uint8Array(31) })).toEqual(rejected('BAD_HASH_LENGTH'));
    expect(verifyInclusion(c, { ...inclusion, leafHash: new Uint8Array(33) })).toEqual(rejected('BAD_HASH_LENGTH'));
    const proof = [...inclusion.proof];
    proof[2] = proof[2]!.subarray(0, 31);
    expect(verifyInclusion(c, { ...inclusion, proof })).toEqual(rejected('BAD_HASH_LENGTH'));
    expect(anyInclusion({ ...inclusion, root: Array.from(inclusion.root) })).toEqual(rejected('BAD_HASH_LENGTH'));
  });

  it('rejects the right leaf against the wrong root', () => {
    expect(verifyInclusion(c, { ...inclusion, root: rootAt(c, 12, tree) })).toEqual(rejected('ROOT_MISMATCH'));
  });
});

describe('consistency verification', () => {
  it('accepts the genuine claim, and equal sizes with equal roots and no proof', () => {
    expect(verifyConsistency(c, consistency)).toEqual({ ok: true });
    const root = rootAt(c, 9, tree);
    expect(verifyConsistency(c, { oldSize: 9, newSize: 9, oldRoot: root, newRoot: root, proof: [] })).toEqual({ ok: true });
  });

  it('rejects a proof from the empty tree', () => {
    expect(verifyConsistency(c, { ...consistency, oldSize: 0, oldRoot: rootAt(c, 0, tree) })).toEqual(rejected('SIZES_OUT_OF_ORDER'));
  });

  it('rejects an old size above the new size', () => {
    expect(verifyConsistency(c, { ...consistency, oldSize: 14 })).toEqual(rejected('SIZES_OUT_OF_ORDER'));
  });

  it('rejects equal sizes with a proof, or with different roots', () => {
    const root = rootAt(c, 9, tree);
    const same = { oldSize: 9, newSize: 9, oldRoot: root, newRoot: root };
    expect(verifyConsistency(c, { ...same, proof: [root] })).toEqual(rejected('WRONG_PROOF_LENGTH'));
    expect(verifyConsistency(c, { ...same, newRoot: rootAt(c, 8, tree), proof: [] })).toEqual(rejected('ROOT_MISMATCH'));
  });

  it('rejects an empty proof between different sizes, even from a power of two', () => {
    expect(verifyConsistency(c, { ...consistency, proof: [] })).toEqual(rejected('WRONG_PROOF_LENGTH'));
    const fromFour = { oldSize: 4, newSize: 8, oldRoot: rootAt(c, 4, tree), newRoot: rootAt(c, 8, tree), proof: [] };
    expect(verifyConsistency(c, fromFour)).toEqual(rejected('WRONG_PROOF_LENGTH'));
  });

  it('rejects a proof one hash short or one hash long', () => {
    expect(verifyConsistency(c, { ...consistency, proof: consistency.proof.slice(0, -1) })).toEqual(rejected('WRONG_PROOF_LENGTH'));
    expect(verifyConsistency(c, { ...consistency, proof: [...consistency.proof, leaves[0]!] })).toEqual(rejected('WRONG_PROOF_LENGTH'));
  });

  it('rejects swapped roots', () => {
    const swapped = { ...consistency, oldRoot: consistency.newRoot, newRoot: consistency.oldRoot };
    expect(verifyConsistency(c, swapped)).toEqual(rejected('ROOT_MISMATCH'));
  });

  it('rejects sizes that are not non-negative safe integers, and hashes that are not 32 bytes', () => {
    for (const bad of [-1, 2.5, Number.NaN, 2 ** 53, '6', undefined]) {
      expect(anyConsistency({ ...consistency, oldSize: bad }), String(bad)).toEqual(rejected('INDEX_OUT_OF_RANGE'));
      expect(anyConsistency({ ...consistency, newSize: bad }), String(bad)).toEqual(rejected('INDEX_OUT_OF_RANGE'));
    }
    expect(verifyConsistency(c, { ...consistency, oldRoot: new Uint8Array(0) })).toEqual(rejected('BAD_HASH_LENGTH'));
    expect(anyConsistency({ ...consistency, proof: [...consistency.proof, 'ab'.repeat(32)] })).toEqual(rejected('BAD_HASH_LENGTH'));
  });
});

describe('verification never throws', () => {
  const garbageClaim = fc.oneof(
    fc.anything(),
    fc.record({ leafHash: fc.anything(), index: fc.anything(), size: fc.anything(), proof: fc.anything(), root: fc.anything() }),
    fc.record({ oldSize: fc.anything(), newSize: fc.anything(), oldRoot: fc.anything(), newRoot: fc.anything(), proof: fc.anything() }),
    fc.record({
      leafHash: fc.uint8Array({ minLength: 32, maxLength: 32 }), index: fc.nat(), size: fc.nat(),
      oldSize: fc.nat(), newSize: fc.nat(), oldRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      newRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }), root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      proof: fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 70 }),
    }),
  );

  it('answers a verdict for any value at all', () => {
    fc.assert(fc.property(garbageClaim, (claim) => {
      const verdicts = [anyInclusion(claim), anyConsistency(claim)];
      for (const verdict of verdicts) {
        expect(typeof verdict.ok).toBe('boolean');
        if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
      }
    }), { numRuns: 500 });
  });

  it('answers a verdict when a field getter throws or the crypto is missing', () => {
    const hostile = { ...inclusion, get root(): never { throw new Error('boom'); } };
    expect(anyInclusion(hostile)).toMatchObject({ ok: false });
    expect(verifyInclusion(undefined as unknown as Crypto, inclusion)).toMatchObject({ ok: false });
    expect(verifyConsistency({} as Crypto, consistency)).toMatchObject({ ok: false });
    expect(verifyInclusion(c, null as unknown as InclusionClaim)).toMatchObject({ ok: false, code: 'BAD_HASH_LENGTH' });
    expect(verifyConsistency(c, undefined as unknown as ConsistencyClaim)).toMatchObject({ ok: false });
  });
});
