/**
 * The audit's per-entry checks, one stored row at a time in index order (contract,
 * "Entries"): indexes dense from 0, leaf hash = SHA-256(0x00 || leaf) (RFC 9162 §2.1.1),
 * the leaf a canonical version 1 envelope whose index is its row, whose prev is the leaf hash
 * of the entry before (64 zeros for entry 0), whose receivedAt never decreases, and whose
 * fields are exactly the indexed columns queries are served from. O(1) memory.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { leafHash as hashLeaf, type Hash } from '../merkle/index.js';
import { EvidenceError, ZERO_HASH_HEX, decodeLeaf, type EntryEnvelope } from '../evidence/index.js';
import type { EntryRow } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

/** The indexed columns (besides idx, leaf, leaf_hash) and where each comes from in the envelope. */
const COLUMNS: readonly { column: string; stored: (r: EntryRow) => string; leaf: (e: EntryEnvelope) => string }[] = [
  { column: 'received_at', stored: (r) => r.receivedAt, leaf: (e) => e.receivedAt },
  { column: 'source', stored: (r) => r.source, leaf: (e) => e.source },
  { column: 'type', stored: (r) => r.type, leaf: (e) => e.record.type },
  { column: 'control_id', stored: (r) => r.controlId, leaf: (e) => e.record.controlId },
  { column: 'system', stored: (r) => r.system, leaf: (e) => e.record.system },
  { column: 'actor_id', stored: (r) => r.actorId, leaf: (e) => e.record.actor.id },
  { column: 'subject_id', stored: (r) => r.subjectId, leaf: (e) => e.record.subject.id },
  { column: 'occurred_at', stored: (r) => r.occurredAt, leaf: (e) => e.record.occurredAt },
];

export interface CheckedEntry {
  /** Recomputed from the leaf bytes: what the tree and the chain are built from. */
  leafHash: Hash;
  /** The envelope's receivedAt, or the stored column when the leaf cannot be read. */
  receivedAt: string;
}

export class EntryChecker {
  /** The index the next row must have. */
  #expected = 0;
  #prevHex = ZERO_HASH_HEX;
  /** The row before this one, if any: the one `prev` must hash. */
  #prevIndex: number | undefined;
  #lastReceivedAt: string | undefined;
  #leafBytes = 0;

  constructor(
    private readonly c: Crypto,
    private readonly findings: FindingLog,
  ) {}

  /** The index after the last row read: where the log ends, gaps or not. */
  get nextIndex(): number {
    return this.#expected;
  }

  /** Total leaf bytes read so far (for the throughput report). */
  get leafBytes(): number {
    return this.#leafBytes;
  }

  /**
   * `redacted`: a redaction entry names this row (RedactionChecker.vouches), so its leaf bytes are
   * gone by right and it is checked by its stored leaf hash: the tree and the next entry's `prev`
   * still hold it to the hash every checkpoint signed.
   */
  check(row: EntryRow, redacted = false): CheckedEntry {
    const { index } = row;
    this.checkDense(index);
    if (redacted) {
      this.#prevHex = toHex(row.leafHash);
      this.#prevIndex = index;
      this.checkReceivedAt(index, row.receivedAt);
      return { leafHash: row.leafHash, receivedAt: row.receivedAt };
    }
    this.#leafBytes += row.leaf.length;
    const leafHash = hashLeaf(this.c, row.leaf);
    if (!bytesEqual(leafHash, row.leafHash)) {
      this.findings.add({
        code: 'LEAF_HASH_MISMATCH',
        index,
        message: `entry ${index}: stored leaf hash ${toHex(row.leafHash)} is not SHA-256(0x00 || leaf) = ${toHex(leafHash)}`,
      });
    }
    const envelope = this.decode(row);
    if (envelope) this.checkEnvelope(row, envelope);
    this.#prevHex = toHex(leafHash);
    this.#prevIndex = index;
    const receivedAt = envelope?.receivedAt ?? row.receivedAt;
    this.checkReceivedAt(index, receivedAt);
    return { leafHash, receivedAt };
  }

  private checkDense(index: number): void {
    if (index < 0) {
      this.findings.add({ code: 'ENTRY_OUT_OF_RANGE', index, message: `entry row with negative index ${index}` });
      return;
    }
    if (index !== this.#expected) {
      const missing = index - this.#expected === 1 ? `entry ${this.#expected} is` : `entries ${this.#expected}..${index - 1} are`;
      this.findings.add({ code: 'ENTRY_MISSING', index: this.#expected, message: `${missing} missing (the next stored entry is ${index})` });
    }
    this.#expected = index + 1;
  }

  private decode(row: EntryRow): EntryEnvelope | undefined {
    try {
      return decodeLeaf(row.leaf);
    } catch (err) {
      const code = err instanceof EvidenceError ? err.code : 'ERROR';
      this.findings.add({
        code: 'LEAF_INVALID',
        index: row.index,
        message: `entry ${row.index}: leaf is not a canonical version 1 envelope (${code}: ${(err as Error).message})`,
      });
      return undefined;
    }
  }

  private checkEnvelope(row: EntryRow, envelope: EntryEnvelope): void {
    const { index } = row;
    if (envelope.index !== index) {
      this.findings.add({ code: 'INDEX_MISMATCH', index, message: `entry ${index}: its leaf says index ${envelope.index}` });
    }
    if (envelope.prev !== this.#prevHex) {
      const before = this.#prevIndex;
      this.findings.add({
        code: 'PREV_MISMATCH',
        index,
        message:
          before === undefined
            ? `entry ${index}: prev ${envelope.prev} is not ${ZERO_HASH_HEX}, though no entry precedes it`
            : `entry ${index}: prev ${envelope.prev} is not ${this.#prevHex}, the leaf hash of entry ${before}; ` +
              `entry ${before} was changed, or this one was`,
      });
    }
    for (const { column, stored, leaf } of COLUMNS) {
      if (stored(row) !== leaf(envelope)) {
        this.findings.add({
          code: 'COLUMN_MISMATCH',
          index,
          message: `entry ${index}: column ${column} is ${JSON.stringify(stored(row))} but the leaf says ${JSON.stringify(leaf(envelope))}`,
        });
      }
    }
  }

  private checkReceivedAt(index: number, receivedAt: string): void {
    // RFC 3339 UTC with milliseconds in one fixed width sorts as text (checked by decodeLeaf).
    if (this.#lastReceivedAt !== undefined && receivedAt < this.#lastReceivedAt) {
      this.findings.add({
        code: 'RECEIVED_AT_DECREASED',
        index,
        message: `entry ${index}: receivedAt ${receivedAt} is before the previous entry's ${this.#lastReceivedAt}`,
      });
    }
    if (this.#lastReceivedAt === undefined || receivedAt > this.#lastReceivedAt) this.#lastReceivedAt = receivedAt;
  }
}
