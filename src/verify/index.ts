/**
 * Offline verification of what the ledger hands out: evidence bundles, tlog-proofs and signed
 * checkpoints, against a verifier key the auditor obtained independently. Pure: no I/O, no Node
 * APIs, so the `ledger verify` command and a browser page run the same code.
 */
export * from './report.js';
export * from './bundle-format.js';
export { EVIDENCE_BUNDLE_SCHEMA_ID, EVIDENCE_BUNDLE_SCHEMA_PATH, evidenceBundleJsonSchema, evidenceBundleJsonSchemaText } from './bundle-json-schema.js';
export { verifyCheckpointText, readVerifierKey, type CheckpointOptions, type CheckpointVerdict, type VerifiedCheckpoint } from './checkpoint.js';
export { verifyTlogProofText, type TlogProofReport } from './tlog-proof.js';
export { verifierKeyText } from './key-text.js';
export { BundleVerifier, type VerifyOptions } from './bundle-verifier.js';
export { verifyBundle, type ProgressCallback } from './bundle.js';
export { BundleStreamVerifier } from './bundle-stream.js';
