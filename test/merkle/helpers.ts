/** Shared fixtures for the Merkle tests: the golden log of merkle.json, and a reader that counts reads. */
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import type { Crypto } from '../../src/crypto/types.js';
import { MemoryNodeReader } from '../../src/merkle/memory-reader.js';
import type { Hash, NodeReader } from '../../src/merkle/types.js';
import { loadVectors } from '../support/vectors.js';

export interface MerkleVectors {
  empty_root: string;
  leaves: { index: number; data_utf8: string; data_hex: string; leaf_hash: string }[];
  roots: { size: number; root: string; root_b64: string }[];
  inclusion: InclusionVector[];
  consistency: ConsistencyVector[];
  inclusion_invalid: (InclusionVector & { case: string; reference_error: string })[];
  consistency_invalid: (ConsistencyVector & { case: string; reference_error: string })[];
}
export interface InclusionVector { index: number; size: number; leaf_hash: string; root: string; proof: string[] }
export interface ConsistencyVector { old_size: number; new_size: number; old_root: string; new_root: string; proof: string[] }

export const merkleVectors = loadVectors<MerkleVectors>('merkle.json');

/** The vector log's leaf hashes, taken from the vectors (not computed by the code under test). */
export const vectorLeafHashes: Hash[] = merkleVectors.leaves.map((l) => fromHex(l.leaf_hash));

/** A reader over the first `size` leaves of the vector log. */
export function vectorTree(c: Crypto, size = vectorLeafHashes.length): MemoryNodeReader {
  return MemoryNodeReader.fromLeafHashes(c, vectorLeafHashes.slice(0, size));
}

/** Wraps a reader and counts getNode calls, to show proofs read O(log n) nodes. */
export class CountingReader implements NodeReader {
  reads = 0;
  constructor(private readonly inner: NodeReader) {}
  getNode(level: number, index: number): Hash {
    this.reads++;
    return this.inner.getNode(level, index);
  }
}

/**
 * A fresh copy with bit `bit` (0 = most significant bit of byte 0) flipped. Copies with
 * `new Uint8Array(...)`: nodeCrypto hashes are Buffers, whose `slice()` is a view, not a copy.
 */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

export const hexes = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);
