/**
 * What the offline verifier answers: stable problem codes a caller can switch on (and a test
 * can assert), per-entry verdicts and a summary. Nothing here is thrown; every failure is a
 * problem in the report.
 */

import type { ControlCheckResult } from './control-check.js';

export type ProblemCode =
  /** The value is not a bundle of the expected shape (a member missing, of the wrong type, unknown). */
  | 'BAD_SHAPE'
  /** `format` or `version` is not one this verifier understands. */
  | 'UNSUPPORTED_VERSION'
  /** The verifier key given by the auditor is not a valid C2SP note verifier key. */
  | 'BAD_KEY'
  /** The bundle names another verifier key or origin than the auditor's key. */
  | 'KEY_DIFFERS'
  /** A checkpoint note does not open with the auditor's key (signature, syntax, origin). */
  | 'BAD_CHECKPOINT'
  /** A declared tree size differs from the signed one, or sizes are out of order. */
  | 'SIZE_MISMATCH'
  /** The consistency proof from the anchor to the latest checkpoint does not verify (RFC 9162 §2.1.4.2). */
  | 'BAD_CONSISTENCY'
  /** A checkpoint's cosignatures do not meet the witness policy's quorum (C2SP tlog-policy). */
  | 'NO_QUORUM'
  /** A cosignature line from a witness of the policy does not verify (C2SP tlog-cosignature). */
  | 'BAD_COSIGNATURE'
  /** The period does not agree with the query, its id, its bounds or the anchor. */
  | 'PERIOD_MISMATCH'
  /** A period boundary entry (the one before its start, the one after its end) is missing or wrong. */
  | 'BAD_BOUNDARY'
  /** The anchor checkpoint did not verify, so no inclusion proof can be trusted. */
  | 'UNTRUSTED_ANCHOR'
  /** `leafHash` is not SHA-256(0x00 || leaf) of the given leaf bytes. */
  | 'BAD_LEAF_HASH'
  /** The leaf bytes are not a canonical version 1 entry envelope. */
  | 'BAD_LEAF'
  /** The envelope's `index` is not the entry's index. */
  | 'INDEX_MISMATCH'
  /** The inclusion proof does not lead to the anchor root (RFC 9162 §2.1.3.2). */
  | 'BAD_INCLUSION'
  /** Entries are not strictly increasing by index. */
  | 'OUT_OF_ORDER'
  /** The entry's index is not below the size of the tree it is proved against. */
  | 'OUTSIDE_TREE'
  /** `prev` is not the leaf hash of the entry before (contract, "Entries": the hash chain). */
  | 'BROKEN_CHAIN'
  /** `receivedAt` decreases from one entry to a later one (the contract says it never does). */
  | 'TIME_DECREASES'
  /** The entry was received outside the period [start, end). */
  | 'OUTSIDE_PERIOD'
  /** The entry does not match the bundle's query filters. */
  | 'QUERY_MISMATCH'
  /** The bundle's `late` flag differs from the one recomputed from the leaf. */
  | 'LATE_MISMATCH'
  /** An entry that an unfiltered bundle must hold is absent. */
  | 'MISSING_ENTRY'
  /** The entry's `signature` does not verify under the key its source registered (signatures.ts). */
  | 'BAD_SIGNATURE'
  /** The entry's source registered a signing key earlier in the bundle, but the entry carries no signature. */
  | 'UNSIGNED_ENTRY'
  /**
   * A check could not be carried out (the verifier itself failed, e.g. a bug or a broken crypto
   * provider): the input is NOT shown to be tampered, only not verified. Report it.
   */
  | 'CHECK_FAILED'

  /** A report bundle's history does not match the control head its anchor checkpoint signs (docs/completeness.md). */
  | 'INCOMPLETE_HISTORY'
  /** A report bundle's report differs from the one recomputed from its entries, or cannot be recomputed. */
  | 'REPORT_MISMATCH';

export interface Problem {
  code: ProblemCode;
  message: string;
}

export interface EntryVerdict {
  /** The entry's declared index, or null when it has none that can be read. */
  index: number | null;
  ok: boolean;
  /** occurredAt lies in an earlier fiscal quarter than receivedAt; null when the leaf cannot be read. */
  late: boolean | null;
  problems: Problem[];
  /** Contract, "Redaction": the entry's leaf bytes were removed by redaction entry `by`; it was checked by hash. */
  redacted?: { by: number };
}

export interface TreeHead {
  treeSize: number;
  /** Lowercase hex root hash from the signed checkpoint. */
  rootHash: string;
}

export interface BundleSummary {
  ok: boolean;
  /** Entries checked (boundary entries not counted). */
  entries: number;
  /** Entries with at least one problem. */
  failures: number;
  /** Late entries among those that could be read. */
  late: number;
  /** Verified entries by record type (`{"approval": 3, "rotation": 1}`): what the bundle proved. */
  records: Record<string, number>;
  /** Redacted entries, checked by hash (inclusion, and the next entry's prev), not failed. */
  redacted: number;
  /** The checkpoint the inclusion proofs lead to, once its signature verified. */
  anchor: TreeHead | null;
  /** The latest checkpoint, once its signature verified. */
  latest: TreeHead | null;
  period: string | null;
  query: Record<string, string>;
  /** True when the query has no record filters, so a missing entry would have been detected. */
  complete: boolean;
  /** Signed entries: verified, or unchecked because their key was registered before the bundle's entries. */
  signatures: { verified: number; unchecked: number };
  /** The period is still open: the anchor is the latest checkpoint, not its close (contract version 1.1). */
  provisional?: boolean;
  /** A report bundle: the report recomputed from the verified entries, and what was proved. */
  control?: ControlCheckResult;
}

export interface BundleReport {
  ok: boolean;
  /** Problems of the bundle as a whole (key, checkpoints, consistency, period, completeness). */
  problems: Problem[];
  entries: EntryVerdict[];
  summary: BundleSummary;
}

/**
 * The problem for a failed RFC 9162 proof verdict: `code` when the proof is wrong, CHECK_FAILED
 * when it could not be checked at all (merkle/verify.ts never turns an exception into a verdict
 * about the proof).
 */
export function proofProblem(code: ProblemCode, verdict: { code: string; reason: string }, what: string): Problem {
  if (verdict.code === 'CHECK_FAILED') return problem('CHECK_FAILED', `${what} could not be checked (a verifier fault, not evidence of tampering): ${verdict.reason}`);
  return problem(code, `${what} fails (${verdict.code}): ${verdict.reason}`);
}

export function problem(code: ProblemCode, message: string): Problem {
  return { code, message };
}
