/**
 * Offline check of one signed checkpoint: a C2SP signed-note (c2sp.org/signed-note) whose
 * text is a C2SP tlog-checkpoint, signed by the auditor's verifier key, for the log whose
 * origin is that key's name (contract, "Checkpoints"). Never throws.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import { toHex } from '../crypto/bytes.js';
import {
  NoteError,
  checkPolicyCosignatures,
  describeMissingQuorum,
  openCheckpoint,
  parseVerifierKey,
  type VerifierKey,
  type WitnessPolicy,
} from '../note/index.js';
import { problem, type Problem, type TreeHead } from './report.js';

export interface VerifiedCheckpoint extends TreeHead {
  origin: string;
  /** Raw root hash, for proofs. */
  root: Uint8Array;
  /** With a witness policy: the policy's witnesses that cosigned, with their timestamps (POSIX seconds). */
  cosignatures?: { witness: string; name: string; timestamp: number }[];
}

export type CheckpointVerdict = { ok: true; checkpoint: VerifiedCheckpoint } | { ok: false; problem: Problem };

export interface CheckpointOptions {
  /** The origin the checkpoint must name; default: the verifier key's name. */
  expectedOrigin?: string;
  /** A C2SP tlog-policy: the checkpoint must also carry its quorum of valid cosignatures. */
  policy?: WitnessPolicy;
}

/** Parses the auditor's verifier key, or answers the BAD_KEY problem. */
export function readVerifierKey(c: Crypto, key: string | VerifierKey): { ok: true; key: VerifierKey } | { ok: false; problem: Problem } {
  if (typeof key !== 'string') return { ok: true, key };
  try {
    return { ok: true, key: parseVerifierKey(c, key.trim()) };
  } catch (err) {
    return { ok: false, problem: problem('BAD_KEY', `the verifier key is not usable: ${messageOf(err)}`) };
  }
}

/** Verifies a signed checkpoint note against `verifierKey` (a key string or a parsed key). */
export function verifyCheckpointText(
  c: Crypto = nobleCrypto,
  note: string | Uint8Array,
  verifierKey: string | VerifierKey,
  opts: CheckpointOptions = {},
): CheckpointVerdict {
  const key = readVerifierKey(c, verifierKey);
  if (!key.ok) return key;
  const expectedOrigin = opts.expectedOrigin ?? key.key.name;
  try {
    const { checkpoint } = openCheckpoint(c, note, [key.key], { expectedOrigin });
    const verified: VerifiedCheckpoint = {
      origin: checkpoint.origin,
      treeSize: checkpoint.size,
      rootHash: toHex(checkpoint.rootHash),
      root: checkpoint.rootHash,
    };
    if (!opts.policy) return { ok: true, checkpoint: verified };
    const witnessed = checkWitnesses(c, note, opts.policy);
    if (!witnessed.ok) return witnessed;
    return { ok: true, checkpoint: { ...verified, cosignatures: witnessed.cosignatures } };
  } catch (err) {
    const code = err instanceof NoteError ? ` (${err.code})` : '';
    return { ok: false, problem: problem('BAD_CHECKPOINT', `checkpoint does not verify${code}: ${messageOf(err)}`) };
  }
}

/** C2SP tlog-policy: every cosignature from a policy witness must verify, and together they must meet the quorum. */
export function checkWitnesses(
  c: Crypto,
  note: string | Uint8Array,
  policy: WitnessPolicy,
): { ok: true; cosignatures: NonNullable<VerifiedCheckpoint['cosignatures']> } | { ok: false; problem: Problem } {
  let check;
  try {
    check = checkPolicyCosignatures(c, policy, note);
  } catch (err) {
    return { ok: false, problem: problem('BAD_COSIGNATURE', `checkpoint carries ${messageOf(err)}`) };
  }
  if (!check.met) return { ok: false, problem: problem('NO_QUORUM', `checkpoint is not witnessed: ${describeMissingQuorum(policy, check)}`) };
  return { ok: true, cosignatures: check.cosigned.map((x) => ({ witness: x.witness, name: x.cosignature.name, timestamp: x.cosignature.timestamp })) };
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
