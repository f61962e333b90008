/**
 * What `ledger audit` can find wrong in a copy of the database, with stable codes so a
 * script (and a test) can switch on them. Findings are counted without bound but only the
 * first few are kept, so one tampered entry that breaks every later checkpoint cannot grow
 * memory with the log.
 */

export type AuditFindingCode =
  // entries (contract, "Entries")
  | 'ENTRY_MISSING' // indexes are not dense from 0: a gap, or a tail missing below a signed size
  | 'ENTRY_OUT_OF_RANGE' // a row with a negative index
  | 'LEAF_HASH_MISMATCH' // stored leaf_hash is not SHA-256(0x00 || leaf) (RFC 9162 §2.1.1)
  | 'LEAF_INVALID' // leaf bytes are not a canonical version 1 envelope
  | 'INDEX_MISMATCH' // the envelope's index is not its row's index
  | 'PREV_MISMATCH' // the hash chain breaks: prev is not the leaf hash of the entry before
  | 'RECEIVED_AT_DECREASED' // receivedAt went backwards
  | 'COLUMN_MISMATCH' // an indexed query column disagrees with the leaf it was copied from
  // redactions (contract, "Redaction")
  | 'LEAF_REMOVED' // an entry without leaf bytes that no redaction names
  | 'REDACTION_INVALID' // a recorded redaction that is no redaction entry of that target, or left values behind
  // tree nodes (complete subtrees, RFC 9162 §2.1.1)
  | 'NODE_MISSING'
  | 'NODE_MISMATCH'
  | 'NODE_STRAY' // a stored node the tree does not have
  // checkpoints (C2SP tlog-checkpoint, signed-note)
  | 'KEY_MISSING' // no verifier key given and none (or an unreadable one) recorded
  | 'KEY_MISMATCH' // the given key is not the one the database records, or origin differs
  | 'CHECKPOINT_BAD_SIGNATURE'
  | 'CHECKPOINT_NOTE_INVALID' // the signed text is not this log's checkpoint at this size
  | 'CHECKPOINT_ROOT_MISMATCH' // a stored or signed root is not the recomputed one
  | 'CHECKPOINT_INCONSISTENT' // RFC 9162 §2.1.4 proof between consecutive checkpoints fails
  | 'CHECKPOINT_BEYOND_LOG' // signed at a size the stored log does not reach
  | 'CHECKPOINT_HEADS_MISMATCH' // the signed control-heads line is not the one recomputed from the entries (docs/completeness.md)
  // period closes (contract, "Periods")
  | 'PERIOD_CLOSE_NO_CHECKPOINT'
  | 'PERIOD_CLOSE_WRONG_SIZE' // not the number of entries received before the period's end
  | 'PERIOD_CLOSE_DECREASING' // a later close of the same kind has a smaller tree size
  // the search index (migration 004): what listings and period bundles are served from
  | 'SEARCH_INDEX_MISMATCH' // an indexed entry lacks its row for a field (deleted, or its value changed)
  | 'SEARCH_INDEX_EXTRA' // a search row no indexed entry owns (planted)
  | 'SEARCH_BATCH_BEYOND_LOG' // a progress row claims more entries indexed than the log holds
  // witness cosignatures (C2SP tlog-cosignature)
  | 'COSIGNATURE_INVALID' // a stored cosignature does not verify over its checkpoint with its witness key
  | 'COSIGNATURE_UNKNOWN_WITNESS'; // a stored cosignature from a key the auditor's --policy does not list

export interface AuditFinding {
  code: AuditFindingCode;
  message: string;
  /** The entry at fault, when one is. */
  index?: number;
  /** The tree node at fault: (level, index) covers leaves [index * 2^level, (index + 1) * 2^level). */
  node?: { level: number; index: number };
  /** The checkpoint, period close or search progress row at fault, by tree size. */
  treeSize?: number;
  periodId?: string;
}

/** Findings kept in full by default; the rest are only counted. */
export const DEFAULT_MAX_KEPT_FINDINGS = 100;

export class FindingLog {
  readonly kept: AuditFinding[] = [];
  readonly byCode: Partial<Record<AuditFindingCode, number>> = {};
  #count = 0;
  #firstBadIndex: number | undefined;

  constructor(private readonly maxKept = DEFAULT_MAX_KEPT_FINDINGS) {}

  add(finding: AuditFinding): void {
    this.#count++;
    this.byCode[finding.code] = (this.byCode[finding.code] ?? 0) + 1;
    if (finding.index !== undefined && (this.#firstBadIndex === undefined || finding.index < this.#firstBadIndex)) {
      this.#firstBadIndex = finding.index;
    }
    if (this.kept.length < this.maxKept) this.kept.push(finding);
  }

  get count(): number {
    return this.#count;
  }

  /** The lowest entry index any finding names (kept or only counted). */
  get firstBadIndex(): number | undefined {
    return this.#firstBadIndex;
  }
}
