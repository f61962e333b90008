/** Typed errors of the Merkle code: thrown by generation on invalid arguments, never by verification. */
import type { MerkleErrorCode } from './types.js';

export class MerkleError extends Error {
  override readonly name = 'MerkleError';
  readonly code: MerkleErrorCode;

  constructor(code: MerkleErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
