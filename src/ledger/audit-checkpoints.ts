/**
 * The audit's checkpoint checks, streamed in tree-size order alongside the entries: when the
 * recomputed tree reaches a signed size, the checkpoint's stored root and the root inside
 * its signed note (C2SP tlog-checkpoint) must both be the recomputed root, and the note
 * must verify with the audit key (C2SP signed-note, Ed25519) and name this log as origin.
 *
 * Consecutive checkpoints: once every signed root equals the root of ONE recomputed tree at
 * its size, they are consistent by construction (each is a prefix of the same leaves). We
 * still verify the RFC 9162 §2.1.4 consistency proof between each consecutive pair, built
 * from the stored nodes exactly as the service would serve it, against the two signed roots:
 * a second, independent path that also catches a stored node a proof would rely on.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { consistencyProof, verifyConsistency, type Hash } from '../merkle/index.js';
import { NoteError, openCheckpoint, type Checkpoint } from '../note/index.js';
import type { CheckpointRow, Store } from '../store/index.js';
import type { AuditKey } from './audit-key.js';
import { CHAIN_START, compareIds, extendChain, findHeadsLine, headsCommitment, type ControlHead, type HeadsCommitment } from '../reports/control-heads.js';
import type { FindingLog } from './audit-findings.js';

/** NoteError codes that mean "the signed text is not this log's checkpoint", not "bad signature". */
const NOTE_CONTENT_CODES: ReadonlySet<string> = new Set(['MALFORMED_CHECKPOINT', 'ORIGIN_MISMATCH']);

export class CheckpointChecker {
  readonly #rows: Generator<CheckpointRow>;
  #next: CheckpointRow | undefined;
  /** The last checked checkpoint: the old side of the next consistency proof. */
  #previous: { size: number; root: Hash } | undefined;
  #checked = 0;
  /** Every control's head recomputed from the entries so far (one per control: docs/completeness.md). */
  readonly #heads = new Map<string, ControlHead>();

  constructor(
    private readonly c: Crypto,
    private readonly store: Store,
    private readonly key: AuditKey,
    private readonly findings: FindingLog,
  ) {
    this.#rows = store.checkpoints.iterate();
    this.#next = this.advance();
  }

  get checked(): number {
    return this.#checked;
  }

  /** Folds the next entry (in index order) into its control's head. */
  entry(controlId: string, leafHash: Hash): void {
    const h = this.#heads.get(controlId);
    this.#heads.set(controlId, { controlId, count: (h?.count ?? 0) + 1, chain: extendChain(this.c, h?.chain ?? CHAIN_START, leafHash) });
  }

  /** Checks the checkpoints signed at sizes up to `size`, the recomputed tree's current size. */
  reach(size: number, root: () => Hash): void {
    while (this.#next && this.#next.treeSize <= size) {
      const row = this.#next;
      this.#next = this.advance();
      if (row.treeSize < 0) {
        this.findings.add({ code: 'CHECKPOINT_NOTE_INVALID', treeSize: row.treeSize, message: `checkpoint row with negative tree size ${row.treeSize}` });
      } else {
        this.check(row, root());
      }
    }
  }

  /**
   * Reports checkpoints signed beyond the log's final `size`; returns the smallest such size,
   * which proves that entries [size, that) once existed.
   */
  finish(size: number): number | undefined {
    let firstBeyond: number | undefined;
    for (; this.#next; this.#next = this.advance()) {
      firstBeyond ??= this.#next.treeSize;
      this.findings.add({
        code: 'CHECKPOINT_BEYOND_LOG',
        treeSize: this.#next.treeSize,
        message: `a checkpoint was signed at tree size ${this.#next.treeSize} but the stored log has only ${size} entries`,
      });
    }
    return firstBeyond;
  }

  /** Releases the streaming statement (when the audit stops early). */
  close(): void {
    this.#rows.return(undefined);
  }

  private advance(): CheckpointRow | undefined {
    const r = this.#rows.next();
    return r.done ? undefined : r.value;
  }

  private check(row: CheckpointRow, root: Hash): void {
    const size = row.treeSize;
    this.#checked++;
    if (!bytesEqual(row.rootHash, root)) {
      this.findings.add({
        code: 'CHECKPOINT_ROOT_MISMATCH',
        treeSize: size,
        message: `checkpoint ${size}: stored root ${toHex(row.rootHash)} is not the recomputed root ${toHex(root)}`,
      });
    }
    const signed = this.open(row);
    if (signed && !bytesEqual(signed.rootHash, root)) {
      this.findings.add({
        code: 'CHECKPOINT_ROOT_MISMATCH',
        treeSize: size,
        message: `checkpoint ${size}: the signed root ${toHex(signed.rootHash)} is not the recomputed root ${toHex(root)}`,
      });
    }
    if (signed) this.checkHeads(size, signed);
    const vouched = signed?.rootHash ?? row.rootHash;
    this.checkConsistency(size, vouched);
    this.#previous = { size, root: vouched };
  }

  /** A signed control-heads line must be the one the entries give. */
  private checkHeads(size: number, signed: Checkpoint): void {
    let line: HeadsCommitment | undefined;
    let problem: string | undefined;
    try {
      line = findHeadsLine(signed.extensions);
    } catch (err) {
      problem = (err as Error).message;
    }
    // A note without the line (signed before the feature, or while an upgrade's backfill ran) is
    // no finding: nothing can be proved complete against it, and verifiers say so.
    if (line) {
      const heads = [...this.#heads.values()].sort((a, b) => compareIds(a.controlId, b.controlId));
      const mine = headsCommitment(this.c, heads);
      if (mine.controls !== line.controls || !bytesEqual(mine.root, line.root)) {
        problem = `the signed control heads (${line.controls} controls, root ${toHex(line.root)}) are not the ones the entries give (${mine.controls}, ${toHex(mine.root)})`;
      }
    }
    if (problem) this.findings.add({ code: 'CHECKPOINT_HEADS_MISMATCH', treeSize: size, message: `checkpoint ${size}: ${problem}` });
  }

  /** The verified checkpoint inside the note, or undefined (with a finding) when it is not one. */
  private open(row: CheckpointRow): Checkpoint | undefined {
    const { key } = this.key;
    if (!key) return undefined; // KEY_MISSING was reported once already
    let checkpoint: Checkpoint;
    try {
      checkpoint = openCheckpoint(this.c, row.note, [key], { expectedOrigin: key.name }).checkpoint;
    } catch (err) {
      const code = err instanceof NoteError ? err.code : 'ERROR';
      this.findings.add({
        code: NOTE_CONTENT_CODES.has(code) ? 'CHECKPOINT_NOTE_INVALID' : 'CHECKPOINT_BAD_SIGNATURE',
        treeSize: row.treeSize,
        message: `checkpoint ${row.treeSize}: the note does not verify with ${this.key.verifierKey} (${code}: ${(err as Error).message})`,
      });
      return undefined;
    }
    if (checkpoint.size !== row.treeSize) {
      this.findings.add({
        code: 'CHECKPOINT_NOTE_INVALID',
        treeSize: row.treeSize,
        message: `checkpoint ${row.treeSize}: the signed note is for tree size ${checkpoint.size}`,
      });
      return undefined;
    }
    return checkpoint;
  }

  private checkConsistency(size: number, root: Hash): void {
    const previous = this.#previous;
    // RFC 9162 §2.1.4: no proof exists from the empty tree, which every tree extends.
    if (!previous || previous.size === 0) return;
    let reason: string | undefined;
    try {
      const proof = consistencyProof(this.c, previous.size, size, this.store.log);
      const verdict = verifyConsistency(this.c, { oldSize: previous.size, newSize: size, oldRoot: previous.root, newRoot: root, proof });
      if (!verdict.ok) reason = `${verdict.code}: ${verdict.reason}`;
    } catch (err) {
      reason = `cannot build the proof from stored nodes: ${(err as Error).message}`;
    }
    if (reason) {
      this.findings.add({
        code: 'CHECKPOINT_INCONSISTENT',
        treeSize: size,
        message: `checkpoints ${previous.size} -> ${size}: the consistency proof does not verify (${reason})`,
      });
    }
  }
}
