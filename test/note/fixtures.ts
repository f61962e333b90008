/**
 * Typed access to ../shared/vectors/checkpoints.json (independent reference implementation
 * of C2SP signed-note and tlog-checkpoint; see that folder's README) for the note tests.
 */
import { loadVectors } from '../support/vectors.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import type { NoteErrorCode } from '../../src/note/index.js';

export interface VectorKey {
  role: string;
  name: string;
  seed_label: string;
  seed_hex: string;
  public_key_hex: string;
  key_hash_hex: string;
  verifier_key: string;
  signer_key: string;
}

export interface CheckpointCase {
  case: string;
  description: string;
  valid: boolean;
  note: string | null;
  note_hex: string;
  verifier_keys: string[];
  expected_origin: string | null;
  reason?: string;
  failure_layer?: 'note' | 'checkpoint' | 'origin';
  signed_by?: string[];
  reference_note_open: string;
  expected?: {
    origin: string;
    size: number;
    root_hash_hex: string;
    root_hash_b64: string;
    extensions: string[];
    verified_signatures: { name: string; key_hash_hex: string; signature_b64: string }[];
  };
}

export interface VerifierKeyCase {
  case: string;
  verifier_key: string;
  valid: boolean;
  reference_result: string;
}

export interface SignedNoteCase {
  case: string;
  description: string;
  valid: boolean;
  text: string;
  note: string;
  note_hex: string;
  verifier_keys: string[];
  signer_key?: string;
  reference_note_open: string;
}

export interface CheckpointVectors {
  keys: VectorKey[];
  checkpoints: CheckpointCase[];
  verifier_key_parsing: VerifierKeyCase[];
  signed_notes: SignedNoteCase[];
}

export const vectors = loadVectors<CheckpointVectors>('checkpoints.json');

/** Both implementations must give the same verdicts and bytes. */
export const cryptos = [nodeCrypto, nobleCrypto];

export function keyByRole(role: string): VectorKey {
  const k = vectors.keys.find((x) => x.role === role);
  if (!k) throw new Error(`no vector key with role ${role}`);
  return k;
}

/** Independent decoding of note_hex (Node's Buffer, not the code under test). */
export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/**
 * The vectors' rejection categories (README, `reason`) and the error code each must raise.
 * "malformed signed note" and the two signature reasons are signed-note layer failures.
 */
export const CODE_FOR_REASON: Record<string, NoteErrorCode> = {
  'malformed signed note': 'MALFORMED_NOTE',
  'a signature line from a known key does not verify': 'BAD_SIGNATURE',
  'no signature from a known key (name and key hash)': 'NO_KNOWN_SIGNATURE',
  'signature verifies, but the body is not a valid C2SP tlog-checkpoint': 'MALFORMED_CHECKPOINT',
  'checkpoint origin differs from the expected origin': 'ORIGIN_MISMATCH',
};

/** Runs `fn`, which must throw; returns what it threw so a test can check type and code. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}
