/** RFC 9162 §2.1 Merkle tree math: hashing, frontier, proof generation and verification. Pure. */
export * from './types.js';
export { MerkleError } from './errors.js';
export { emptyRoot, leafHash, nodeHash } from './hash.js';
export { rootOfLeafHashes } from './reference.js';
export { Frontier } from './frontier.js';
export { consistencyProof, inclusionProof, rangeRoot, rootAt } from './proofs.js';
export { verifyConsistency, verifyInclusion, type ConsistencyClaim, type InclusionClaim } from './verify.js';
export { MemoryNodeReader } from './memory-reader.js';
