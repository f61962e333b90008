/**
 * RFC 9162 §2.1.1 tree hashing over SHA-256, with the domain separation of leaves and
 * interior nodes that keeps a leaf from posing as a node (second-preimage resistance).
 * Hot path: the server calls these millions of times, so each call builds exactly one
 * input buffer and hands it to the hash in one piece.
 */
import type { Crypto } from '../crypto/types.js';
import { HASH_SIZE, type Hash } from './types.js';

/** RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)). */
const LEAF_HASH_PREFIX = 0x00;
/** RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
const NODE_HASH_PREFIX = 0x01;
const NODE_INPUT_SIZE = 1 + 2 * HASH_SIZE;
const NO_BYTES = new Uint8Array(0);

/** The leaf hash of an entry's leaf bytes: SHA-256(0x00 || data). */
export function leafHash(c: Crypto, data: Uint8Array): Hash {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_HASH_PREFIX;
  input.set(data, 1);
  return c.sha256(input);
}

/** The interior node over two child hashes: SHA-256(0x01 || left || right). */
export function nodeHash(c: Crypto, left: Hash, right: Hash): Hash {
  const input = new Uint8Array(NODE_INPUT_SIZE);
  input[0] = NODE_HASH_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return c.sha256(input);
}

/** RFC 9162 §2.1.1: the root of the empty tree, MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(c: Crypto): Hash {
  return c.sha256(NO_BYTES);
}
