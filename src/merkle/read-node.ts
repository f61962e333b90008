/** Reads one stored complete subtree and refuses anything that is not a 32-byte hash. */
import { describeHash, isHash } from './checks.js';
import { MerkleError } from './errors.js';
import type { Hash, NodeReader } from './types.js';

/** A store that hands back a wrong-sized value is corrupt: fail loudly rather than hash it into a proof. */
export function readNode(reader: NodeReader, level: number, index: number): Hash {
  const hash: unknown = reader.getNode(level, index);
  if (!isHash(hash)) {
    throw new MerkleError(
      'BAD_HASH_LENGTH',
      `stored node (level ${level}, index ${index}) is not a 32-byte hash: got ${describeHash(hash)}`,
    );
  }
  return hash;
}
