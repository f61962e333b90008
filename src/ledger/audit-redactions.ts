/**
 * The audit's redaction checks (contract, "Redaction"; migration `redaction`). A leaf may be missing
 * only where a redaction entry of the log names that entry and its leaf hash; its field copies must
 * then be emptied too (what was removed must not survive in them). Every recorded redaction must
 * point at such an entry and have emptied its target. Anything else is tampering.
 */
import { toHex } from '../crypto/bytes.js';
import { decodeLeaf, type EntryEnvelope } from '../evidence/index.js';
import type { EntryRow, Store } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

/** A redacted entry keeps its controlId (it stays in its control's population; migration 007): every other copy is emptied. */
const EMPTIED: readonly (keyof EntryRow)[] = ['source', 'type', 'system', 'actorId', 'subjectId', 'occurredAt'];

export class RedactionChecker {
  #redactedSeen = 0;

  constructor(
    private readonly store: Store,
    private readonly findings: FindingLog,
  ) {}

  /** Entries found redacted, legitimately or not. */
  get redacted(): number {
    return this.#redactedSeen;
  }

  /**
   * For a row without leaf bytes: true when a redaction entry names it (the row is then checked by
   * its stored leaf hash); false, with a finding, when nothing does. Rows with a leaf: false.
   */
  vouches(row: EntryRow): boolean {
    if (row.leaf.length !== 0) return false;
    this.#redactedSeen++;
    const { index } = row;
    const by = this.store.redactions.redactedBy(index);
    if (by === undefined) {
      this.findings.add({ code: 'LEAF_REMOVED', index, message: `entry ${index} has no leaf bytes and no redaction names it: removed behind the ledger's back` });
      return false;
    }
    const problem = this.redactionProblem(index, toHex(row.leafHash), by);
    if (problem !== undefined) {
      this.findings.add({ code: 'REDACTION_INVALID', index, message: `entry ${index} has no leaf bytes, but ${problem}` });
      return false;
    }
    const kept = EMPTIED.filter((column) => row[column] !== '');
    if (kept.length > 0) {
      this.findings.add({ code: 'REDACTION_INVALID', index, message: `entry ${index} was redacted by entry ${by}, but its ${kept.join(', ')} column(s) still hold values` });
    }
    return true;
  }

  /** After the pass: every recorded redaction emptied an entry of the log. */
  finish(): void {
    for (const { target, by } of this.store.redactions.all()) {
      const row = this.store.log.entry(target);
      if (!row) {
        this.findings.add({ code: 'REDACTION_INVALID', index: target, message: `a redaction by entry ${by} names entry ${target}, which the log does not hold` });
      } else if (row.leaf.length !== 0) {
        this.findings.add({ code: 'REDACTION_INVALID', index: target, message: `a redaction by entry ${by} names entry ${target}, whose leaf is still there` });
      }
    }
  }

  /** Why entry `by` does not redact entry `index` with leaf hash `leafHashHex`, or undefined when it does. */
  private redactionProblem(index: number, leafHashHex: string, by: number): string | undefined {
    if (by <= index) return `the redaction recorded for it is entry ${by}, which does not come after it`;
    const row = this.store.log.entry(by);
    if (!row || row.leaf.length === 0) return `the redaction recorded for it (entry ${by}) is missing or has no leaf`;
    let envelope: EntryEnvelope;
    try {
      envelope = decodeLeaf(row.leaf);
    } catch {
      return `the redaction recorded for it (entry ${by}) is no valid entry`;
    }
    const r = envelope.record;
    if (r.type !== 'redaction') return `entry ${by}, recorded as its redaction, is a ${r.type} record`;
    if (r.targetIndex !== index || r.targetLeafHash !== leafHashHex) {
      return `entry ${by}, recorded as its redaction, names entry ${r.targetIndex} with leaf hash ${r.targetLeafHash}`;
    }
    return undefined;
  }
}
