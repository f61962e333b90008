/**
 * C2SP signed notes, tlog checkpoints and tlog proofs with Ed25519. Pure: no I/O, no
 * Node APIs; every hash and signature goes through the `Crypto` argument.
 */
export * from './errors.js';
export * from './keys.js';
export * from './signed-note.js';
export * from './checkpoint.js';
export * from './tlog-proof.js';
export * from './cosignature.js';
export * from './policy.js';
