/** Shared types of the RFC 9162 §2.1 Merkle tree code. */

/** A SHA-256 tree hash: exactly 32 bytes. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

/**
 * Reads the hash of a complete (perfect) subtree: node (level, index) is the root of
 * the 2^level leaves [index * 2^level, (index + 1) * 2^level). Level 0 is a leaf hash.
 * The storage layer backs this with SQLite; this layout maps one-to-one onto C2SP tiles.
 * Callers only ask for nodes that are complete within the tree size they work on.
 */
export interface NodeReader {
  getNode(level: number, index: number): Hash;
}

/** A complete-subtree node created by an append, to be persisted. */
export interface NewNode {
  level: number;
  index: number;
  hash: Hash;
}

/** Outcome of a proof verification: never thrown, always returned. */
export type Verdict = { ok: true } | { ok: false; code: MerkleErrorCode; reason: string };

export type MerkleErrorCode =
  | 'BAD_HASH_LENGTH'
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZES_OUT_OF_ORDER'
  | 'WRONG_PROOF_LENGTH'
  | 'ROOT_MISMATCH'
  /** The check itself failed (an exception: a fault of the verifier, not of the proof): nothing was decided. */
  | 'CHECK_FAILED';
