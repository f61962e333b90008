/**
 * Signs C2SP tlog-checkpoints (origin, size, root) on a cadence whenever the tree has grown,
 * and on demand at a given size (period closes). Before any signature it proves, with an
 * RFC 9162 §2.1.4 consistency proof read from storage, that the new checkpoint extends every
 * neighbouring one already signed. If that ever fails it halts signing for good: two
 * inconsistent signed checkpoints are the one thing a log must never publish.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { consistencyProof, rootAt, verifyConsistency, type NodeReader } from '../merkle/index.js';
import { signCheckpoint, type SignerKey } from '../note/index.js';
import { formatTimestamp } from '../evidence/index.js';
import { StoreError, asStoreError, type CheckpointRow, type Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { LedgerError } from './errors.js';
import { controlHeadsForSigning } from './control-heads.js';
import { formatHeadsLine, headsCommitment } from '../reports/control-heads.js';

export interface CheckpointerEvents {
  /** Called once when signing halts, with the reason (log it loudly, report unhealthy). */
  onHalt?: (reason: string) => void;
  onSigned?: (row: CheckpointRow) => void;
}

export class Checkpointer {
  private haltReason: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly c: Crypto,
    private readonly signer: SignerKey,
    private readonly clock: Clock,
    private readonly events: CheckpointerEvents = {},
  ) {}

  /** Why signing halted, or undefined while healthy. */
  get halted(): string | undefined {
    return this.haltReason;
  }

  /**
   * The signed checkpoint at `size` (root `root` when the caller already knows it, e.g. the
   * sequencer's frontier), signing and storing it first if none exists yet.
   */
  ensureSigned(size: number, root?: Uint8Array): CheckpointRow {
    const existing = this.store.checkpoints.at(size);
    if (existing) return existing;
    if (this.haltReason) throw new LedgerError('SIGNING_HALTED', `checkpoint signing halted: ${this.haltReason}`);
    const reader: NodeReader = this.store.log;
    const rootHash = root ?? rootAt(this.c, size, reader);
    this.checkConsistentWithNeighbours(size, rootHash, reader);
    // Every note commits to each control's head at its size (docs/completeness.md), so whichever
    // note is signed at a period close's size, by the cadence or the close, carries the line.
    // (Right after an upgrade, while the heads are backfilled a chunk per step, without the line.)
    const heads = controlHeadsForSigning(this.c, this.store, size);
    const extensions = heads ? [formatHeadsLine(headsCommitment(this.c, heads.heads))] : [];
    const note = signCheckpoint(this.c, { origin: this.signer.name, size, rootHash, extensions }, this.signer);
    const row: CheckpointRow = { treeSize: size, rootHash, note, signedAt: formatTimestamp(this.clock()) };
    this.store.transaction(() => {
      this.store.checkpoints.add(row);
      if (heads) this.store.controlHeads.record(size, heads.changed);
    });
    this.events.onSigned?.(row);
    return row;
  }

  private checkConsistentWithNeighbours(size: number, root: Uint8Array, reader: NodeReader): void {
    const below = this.store.checkpoints.atOrBelow(size);
    const above = this.store.checkpoints.latest();
    if (below && below.treeSize > 0) this.check(below.treeSize, below.rootHash, size, root, reader);
    if (above && above.treeSize > size && size > 0) this.check(size, root, above.treeSize, above.rootHash, reader);
  }

  private check(m: number, mRoot: Uint8Array, n: number, nRoot: Uint8Array, reader: NodeReader): void {
    let reason: string | undefined;
    try {
      // The stored roots must also be the roots the stored tree gives today.
      if (!bytesEqual(rootAt(this.c, m, reader), mRoot)) reason = `stored tree no longer has root ${toHex(mRoot)} at size ${m}`;
      const proof = consistencyProof(this.c, m, n, reader);
      const verdict = verifyConsistency(this.c, { oldSize: m, newSize: n, oldRoot: mRoot, newRoot: nRoot, proof });
      if (!reason && !verdict.ok) reason = `size ${m} -> ${n} is not consistent: ${verdict.reason}`;
    } catch (err) {
      // A busy or full disk is not evidence of a fork: fail this attempt, keep signing later.
      const store = asStoreError(err, 'reading tree nodes');
      if (store instanceof StoreError && store.code === 'UNAVAILABLE') throw store;
      reason = `cannot prove consistency ${m} -> ${n}: ${(err as Error).message}`;
    }
    if (reason) this.halt(reason);
  }

  /** Halts signing for a reason found elsewhere (e.g. at start-up). */
  haltFromOutside(reason: string): void {
    if (!this.haltReason) {
      this.haltReason = reason;
      this.events.onHalt?.(reason);
    }
  }

  private halt(reason: string): never {
    this.haltFromOutside(reason);
    throw new LedgerError('SIGNING_HALTED', `refusing to sign: ${reason}`);
  }
}
