/** Argument checks shared by tree building, proof generation and verification. */
import { MerkleError } from './errors.js';
import { HASH_SIZE, type Hash } from './types.js';

/** True for a tree size or leaf index: a non-negative integer that a JS number holds exactly (< 2^53). */
export function isTreeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True for a SHA-256 tree hash: a Uint8Array of exactly {@link HASH_SIZE} bytes. */
export function isHash(value: unknown): value is Hash {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

export function describeHash(value: unknown): string {
  if (value instanceof Uint8Array) return `a Uint8Array of length ${value.length}`;
  return value === null ? 'null' : typeof value;
}

/** Throws INDEX_OUT_OF_RANGE unless `value` is a tree size or leaf index. */
export function assertTreeNumber(value: unknown, what: string): asserts value is number {
  if (!isTreeNumber(value)) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `${what} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/** Throws BAD_HASH_LENGTH unless `value` is a 32-byte hash. */
export function assertHash(value: unknown, what: string): asserts value is Hash {
  if (!isHash(value)) {
    throw new MerkleError('BAD_HASH_LENGTH', `${what} must be a ${HASH_SIZE}-byte hash, got ${describeHash(value)}`);
  }
}
