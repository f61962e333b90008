/**
 * rfc6962_reference.json: the classic RFC 6962 test data of transparency-dev/merkle (8 leaves,
 * every complete-subtree hash, roots for sizes 0..8, and the upstream inclusion/consistency
 * probe files). Probes are judged by `oracle_valid`, the verdict of a strict verifier.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import {
  MemoryNodeReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/index.js';
import { loadVectors } from '../support/vectors.js';
import { hexes } from './helpers.js';

interface ReferenceVectors {
  leaves_hex: string[];
  node_hashes_by_level: string[][];
  roots_by_size: string[];
  inclusion_probes: {
    source: string; desc: string; leaf_index: number; tree_size: number;
    leaf_hash: string; root: string; proof: string[]; oracle_valid: boolean;
  }[];
  consistency_probes: {
    source: string; desc: string; size1: number; size2: number;
    root1: string; root2: string; proof: string[]; oracle_valid: boolean;
  }[];
}

const v = loadVectors<ReferenceVectors>('rfc6962_reference.json');

describe('classic RFC 6962 data (rfc6962_reference.json)', () => {
  it('holds the advertised number of cases', () => {
    expect(v.leaves_hex).toHaveLength(8);
    expect(v.node_hashes_by_level.map((level) => level.length)).toEqual([8, 4, 2, 1]);
    expect(v.roots_by_size).toHaveLength(9);
    expect(v.inclusion_probes).toHaveLength(98);
    expect(v.consistency_probes).toHaveLength(98);
    // Both kinds of verdict are present, so neither "accept all" nor "reject all" passes.
    expect(v.inclusion_probes.filter((p) => p.oracle_valid)).toHaveLength(6);
    expect(v.consistency_probes.filter((p) => p.oracle_valid)).toHaveLength(5);
  });

  describe.each([nodeCrypto, nobleCrypto])('with $name crypto', (c) => {
    const leafHashes = v.leaves_hex.map((hex) => leafHash(c, fromHex(hex)));
    const tree = MemoryNodeReader.fromLeafHashes(c, leafHashes);

    it('stores every complete-subtree hash the reference lists, by (level, index)', () => {
      v.node_hashes_by_level.forEach((level, l) =>
        level.forEach((hash, i) => expect(toHex(tree.getNode(l, i)), `node (${l}, ${i})`).toBe(hash)),
      );
    });

    it('computes the root of every size 0..8', () => {
      v.roots_by_size.forEach((root, size) => expect(toHex(rootAt(c, size, tree)), `size ${size}`).toBe(root));
    });

    it('reaches the oracle verdict on every inclusion probe, and regenerates the valid ones', () => {
      for (const p of v.inclusion_probes) {
        const verdict = verifyInclusion(c, {
          leafHash: fromHex(p.leaf_hash),
          index: p.leaf_index,
          size: p.tree_size,
          proof: p.proof.map(fromHex),
          root: fromHex(p.root),
        });
        expect(verdict.ok, `${p.source}: ${p.desc}`).toBe(p.oracle_valid);
        if (p.oracle_valid) expect(hexes(inclusionProof(c, p.leaf_index, p.tree_size, tree))).toEqual(p.proof);
      }
    });

    it('reaches the oracle verdict on every consistency probe, and regenerates the valid ones', () => {
      for (const p of v.consistency_probes) {
        const verdict = verifyConsistency(c, {
          oldSize: p.size1,
          newSize: p.size2,
          oldRoot: fromHex(p.root1),
          newRoot: fromHex(p.root2),
          proof: p.proof.map(fromHex),
        });
        expect(verdict.ok, `${p.source}: ${p.desc}`).toBe(p.oracle_valid);
        if (p.oracle_valid) expect(hexes(consistencyProof(c, p.size1, p.size2, tree))).toEqual(p.proof);
      }
    });

    it('rejects the probe whose 12-byte placeholder roots upstream accepts, for their length', () => {
      const probe = v.consistency_probes.find((p) => p.source.endsWith('sizes-are-equal-one-and-proof-is-empty.json'));
      expect(probe).toBeDefined();
      const verdict = verifyConsistency(c, {
        oldSize: probe!.size1,
        newSize: probe!.size2,
        oldRoot: fromHex(probe!.root1),
        newRoot: fromHex(probe!.root2),
        proof: probe!.proof.map(fromHex),
      });
      expect(verdict).toMatchObject({ ok: false, code: 'BAD_HASH_LENGTH' });
    });
  });
});
