/**
 * merkle.json: the golden log of 1025 leaves ("leaf-0" … "leaf-1024") from an independent
 * RFC 6962/9162 implementation (see ../shared/vectors/README.md). Generated roots and proofs
 * must equal the vectors byte for byte; every invalid claim must be rejected.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import {
  Frontier,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  rootAt,
  rootOfLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.js';
import { hexes, merkleVectors as v, vectorLeafHashes, vectorTree } from './helpers.js';

describe('golden vectors (merkle.json)', () => {
  it('hold the advertised number of cases', () => {
    expect(v.leaves).toHaveLength(1025);
    expect(v.roots).toHaveLength(80);
    expect(v.inclusion).toHaveLength(222);
    expect(v.consistency).toHaveLength(369);
    expect(v.inclusion_invalid).toHaveLength(168);
    expect(v.consistency_invalid).toHaveLength(180);
  });

  // The vectors name what each invalid case changed; these suffixes pin the code a caller sees.
  const inclusionCodes: [string, string][] = [
    [': index equal to size', 'INDEX_OUT_OF_RANGE'],
    [': size 0', 'INDEX_OUT_OF_RANGE'],
    [': root with one bit flipped', 'ROOT_MISMATCH'],
    [': proof[0] with one bit flipped', 'ROOT_MISMATCH'],
    [': proof truncated (last element dropped)', 'WRONG_PROOF_LENGTH'],
    [': root appended to the proof', 'WRONG_PROOF_LENGTH'],
  ];
  const consistencyCodes: [string, string][] = [
    [': old size 0 (a proof from the empty tree is meaningless)', 'SIZES_OUT_OF_ORDER'],
    [': old size greater than new size', 'SIZES_OUT_OF_ORDER'],
    [': equal sizes but a non-empty proof', 'WRONG_PROOF_LENGTH'],
    [': equal sizes but different roots', 'ROOT_MISMATCH'],
    [': empty proof', 'WRONG_PROOF_LENGTH'],
    [': old root with one bit flipped', 'ROOT_MISMATCH'],
    [': new root with one bit flipped', 'ROOT_MISMATCH'],
    [': proof truncated (last element dropped)', 'WRONG_PROOF_LENGTH'],
  ];

  it('names the failure with a stable code for the plainly classifiable invalid cases', () => {
    let checked = 0;
    for (const t of v.inclusion_invalid) {
      const code = inclusionCodes.find(([suffix]) => t.case.endsWith(suffix))?.[1];
      if (code === undefined) continue;
      const verdict = verifyInclusion(nodeCrypto, {
        leafHash: fromHex(t.leaf_hash), index: t.index, size: t.size, proof: t.proof.map(fromHex), root: fromHex(t.root),
      });
      expect(verdict, t.case).toMatchObject({ ok: false, code });
      checked++;
    }
    for (const t of v.consistency_invalid) {
      const code = consistencyCodes.find(([suffix]) => t.case.endsWith(suffix))?.[1];
      if (code === undefined) continue;
      const verdict = verifyConsistency(nodeCrypto, {
        oldSize: t.old_size, newSize: t.new_size, oldRoot: fromHex(t.old_root), newRoot: fromHex(t.new_root),
        proof: t.proof.map(fromHex),
      });
      expect(verdict, t.case).toMatchObject({ ok: false, code });
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  describe.each([nodeCrypto, nobleCrypto])('with $name crypto', (c) => {
    const tree = vectorTree(c);

    it('hashes every leaf as SHA-256(0x00 || data)', () => {
      for (const leaf of v.leaves) {
        expect(leaf.data_utf8).toBe(`leaf-${leaf.index}`);
        expect(toHex(leafHash(c, fromHex(leaf.data_hex)))).toBe(leaf.leaf_hash);
      }
    });

    it('gives SHA-256 of the empty string as the empty root', () => {
      expect(toHex(emptyRoot(c))).toBe(v.empty_root);
      expect(toHex(Frontier.empty(c).root())).toBe(v.empty_root);
      expect(toHex(rootOfLeafHashes(c, []))).toBe(v.empty_root);
    });

    it('computes every vector root with the frontier, the stored subtrees and the reference MTH', () => {
      const wanted = new Map(v.roots.map((r) => [r.size, r.root]));
      const frontier = Frontier.empty(c);
      let checked = 0;
      for (let size = 0; size <= vectorLeafHashes.length; size++) {
        const want = wanted.get(size);
        if (want !== undefined) {
          expect(toHex(frontier.root()), `frontier root at size ${size}`).toBe(want);
          expect(toHex(rootAt(c, size, tree)), `stored root at size ${size}`).toBe(want);
          expect(toHex(rootOfLeafHashes(c, vectorLeafHashes.slice(0, size))), `reference root at size ${size}`).toBe(want);
          checked++;
        }
        const next = vectorLeafHashes[size];
        if (next) frontier.append(next);
      }
      expect(checked).toBe(v.roots.length);
    });

    it('generates every inclusion proof byte for byte and accepts it', () => {
      for (const t of v.inclusion) {
        expect(hexes(inclusionProof(c, t.index, t.size, tree)), `index ${t.index} size ${t.size}`).toEqual(t.proof);
        const verdict = verifyInclusion(c, {
          leafHash: fromHex(t.leaf_hash),
          index: t.index,
          size: t.size,
          proof: t.proof.map(fromHex),
          root: fromHex(t.root),
        });
        expect(verdict, `index ${t.index} size ${t.size}`).toEqual({ ok: true });
      }
    });

    it('generates every consistency proof byte for byte and accepts it', () => {
      for (const t of v.consistency) {
        const label = `${t.old_size} -> ${t.new_size}`;
        expect(hexes(consistencyProof(c, t.old_size, t.new_size, tree)), label).toEqual(t.proof);
        const verdict = verifyConsistency(c, {
          oldSize: t.old_size,
          newSize: t.new_size,
          oldRoot: fromHex(t.old_root),
          newRoot: fromHex(t.new_root),
          proof: t.proof.map(fromHex),
        });
        expect(verdict, label).toEqual({ ok: true });
      }
    });

    it('rejects every invalid inclusion claim', () => {
      for (const t of v.inclusion_invalid) {
        const verdict = verifyInclusion(c, {
          leafHash: fromHex(t.leaf_hash),
          index: t.index,
          size: t.size,
          proof: t.proof.map(fromHex),
          root: fromHex(t.root),
        });
        expect(verdict.ok, t.case).toBe(false);
      }
    });

    it('rejects every invalid consistency claim', () => {
      for (const t of v.consistency_invalid) {
        const verdict = verifyConsistency(c, {
          oldSize: t.old_size,
          newSize: t.new_size,
          oldRoot: fromHex(t.old_root),
          newRoot: fromHex(t.new_root),
          proof: t.proof.map(fromHex),
        });
        expect(verdict.ok, t.case).toBe(false);
      }
    });
  });
});
