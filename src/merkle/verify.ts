/**
 * Verification of inclusion (RFC 9162 §2.1.3.2) and consistency (§2.1.4.2) proofs, step by
 * step as the RFC writes them. These functions NEVER throw, whatever they are given at run
 * time: every malformed or wrong claim comes back as `{ ok: false, code, reason }`.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { describeHash, isHash, isTreeNumber } from './checks.js';
import { nodeHash } from './hash.js';
import { isPowerOfTwo } from './tree-math.js';
import type { Hash, MerkleErrorCode, Verdict } from './types.js';

export interface InclusionClaim {
  leafHash: Hash;
  index: number;
  size: number;
  /** RFC 9162 order: the leaf's sibling first. */
  proof: readonly Hash[];
  root: Hash;
}

export interface ConsistencyClaim {
  oldSize: number;
  newSize: number;
  oldRoot: Hash;
  newRoot: Hash;
  proof: readonly Hash[];
}

const OK: Verdict = { ok: true };

function fail(code: MerkleErrorCode, reason: string): Verdict {
  return { ok: false, code, reason };
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** Verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(c: Crypto, claim: InclusionClaim): Verdict {
  try {
    return checkInclusion(c, fieldsOf(claim));
  } catch (error) {
    // A throw is the verifier's fault, not the proof's: "could not check" is not "tampered".
    return fail('CHECK_FAILED', `inclusion could not be checked: ${String(error)}`);
  }
}

/** Verifies that the tree (newSize, newRoot) extends the tree (oldSize, oldRoot). */
export function verifyConsistency(c: Crypto, claim: ConsistencyClaim): Verdict {
  try {
    return checkConsistency(c, fieldsOf(claim));
  } catch (error) {
    return fail('CHECK_FAILED', `consistency could not be checked: ${String(error)}`);
  }
}

function checkInclusion(c: Crypto, claim: Record<string, unknown>): Verdict {
  const { leafHash, index, size, proof, root } = claim;
  if (!isHash(leafHash)) return fail('BAD_HASH_LENGTH', `leafHash must be a 32-byte hash, got ${describeHash(leafHash)}`);
  if (!isHash(root)) return fail('BAD_HASH_LENGTH', `root must be a 32-byte hash, got ${describeHash(root)}`);
  if (!isTreeNumber(index)) return fail('INDEX_OUT_OF_RANGE', `index must be a non-negative safe integer, got ${String(index)}`);
  if (!isTreeNumber(size)) return fail('INDEX_OUT_OF_RANGE', `size must be a non-negative safe integer, got ${String(size)}`);
  const path = checkProofHashes(proof);
  if (!Array.isArray(path)) return path;

  // §2.1.3.2 step 1.
  if (index >= size) return fail('INDEX_OUT_OF_RANGE', `index ${index} is not below tree size ${size}`);
  // Steps 2-3.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // Step 4.
  for (const p of path) {
    if (sn === 0) return fail('WRONG_PROOF_LENGTH', tooLong('inclusion', path.length, `index ${index} in a tree of size ${size}`));
    if (odd(fn) || fn === sn) {
      r = nodeHash(c, p, r);
      if (!odd(fn)) {
        // Right edge: skip the levels where this node had no right sibling.
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(c, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  if (sn !== 0) return fail('WRONG_PROOF_LENGTH', tooShort('inclusion', path.length, `index ${index} in a tree of size ${size}`));
  if (!bytesEqual(r, root)) return fail('ROOT_MISMATCH', 'the proof does not lead from the leaf hash to the root');
  return OK;
}

function checkConsistency(c: Crypto, claim: Record<string, unknown>): Verdict {
  const { oldSize, newSize, oldRoot, newRoot, proof } = claim;
  if (!isTreeNumber(oldSize)) return fail('INDEX_OUT_OF_RANGE', `oldSize must be a non-negative safe integer, got ${String(oldSize)}`);
  if (!isTreeNumber(newSize)) return fail('INDEX_OUT_OF_RANGE', `newSize must be a non-negative safe integer, got ${String(newSize)}`);
  if (!isHash(oldRoot)) return fail('BAD_HASH_LENGTH', `oldRoot must be a 32-byte hash, got ${describeHash(oldRoot)}`);
  if (!isHash(newRoot)) return fail('BAD_HASH_LENGTH', `newRoot must be a 32-byte hash, got ${describeHash(newRoot)}`);
  const given = checkProofHashes(proof);
  if (!Array.isArray(given)) return given;

  // A proof from the empty tree proves nothing; Go's tlog and the golden vectors reject it.
  if (oldSize < 1) return fail('SIZES_OUT_OF_ORDER', 'oldSize must be at least 1: a proof from the empty tree is meaningless');
  if (oldSize > newSize) return fail('SIZES_OUT_OF_ORDER', `oldSize ${oldSize} is larger than newSize ${newSize}`);
  // Same tree: nothing to prove, so anything but the empty proof is a malformed claim.
  if (oldSize === newSize) {
    if (given.length !== 0) return fail('WRONG_PROOF_LENGTH', `equal sizes need an empty proof, got ${given.length} hashes`);
    if (!bytesEqual(oldRoot, newRoot)) return fail('ROOT_MISMATCH', `two different roots for the same size ${oldSize}`);
    return OK;
  }

  const trees = `from size ${oldSize} to ${newSize}`;
  // §2.1.4.2 step 1.
  if (given.length === 0) return fail('WRONG_PROOF_LENGTH', `a consistency proof ${trees} cannot be empty`);
  // Step 2: a power-of-two old tree is a complete subtree of the new one, so its root starts the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...given] : given;
  // Steps 3-4.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const p = path[i]!;
    if (sn === 0) return fail('WRONG_PROOF_LENGTH', tooLong('consistency', given.length, trees));
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, p, fr);
      sr = nodeHash(c, p, sr);
      if (!odd(fn)) {
        // Right edge of the old tree: skip the levels where it had no right sibling.
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(c, sr, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) return fail('WRONG_PROOF_LENGTH', tooShort('consistency', given.length, trees));
  if (!bytesEqual(fr, oldRoot)) return fail('ROOT_MISMATCH', 'the proof does not reproduce the old root');
  if (!bytesEqual(sr, newRoot)) return fail('ROOT_MISMATCH', 'the proof does not reproduce the new root');
  return OK;
}

/** The claim's fields, or none at all when it is not an object (every check then fails cleanly). */
function fieldsOf(claim: unknown): Record<string, unknown> {
  return typeof claim === 'object' && claim !== null ? (claim as Record<string, unknown>) : {};
}

/** The proof as an array of 32-byte hashes, or the verdict that rejects it. */
function checkProofHashes(proof: unknown): Hash[] | Verdict {
  if (!Array.isArray(proof)) return fail('WRONG_PROOF_LENGTH', 'proof must be an array of 32-byte hashes');
  const hashes: Hash[] = [];
  for (let i = 0; i < proof.length; i++) {
    const p: unknown = proof[i];
    if (!isHash(p)) return fail('BAD_HASH_LENGTH', `proof[${i}] must be a 32-byte hash, got ${describeHash(p)}`);
    hashes.push(p);
  }
  return hashes;
}

function tooLong(kind: string, length: number, context: string): string {
  return `${kind} proof of ${length} hashes is too long for ${context}`;
}

function tooShort(kind: string, length: number, context: string): string {
  return `${kind} proof of ${length} hashes is too short for ${context}`;
}
