/**
 * Control heads remembered by the checkpointer (migration control_heads; docs/completeness.md).
 * Only rows: what a head is and how it is folded lives in src/reports/control-heads.ts.
 */
import type { Db } from './db.js';
import { hasTable } from './sql.js';

export interface StoredHead {
  controlId: string;
  count: number;
  chain: Uint8Array;
}

export class ControlHeadsStore {
  /** false on a database from before the migration opened read-only. */
  readonly available: boolean;
  private readonly stmts;
  private readonly entryHeads;
  private signedSeen = false;

  constructor(db: Db) {
    this.entryHeads = db.prepare('SELECT control_id AS controlId, leaf_hash AS leafHash FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx');
    this.available = hasTable(db, 'control_head_sizes');
    this.stmts = this.available
      ? {
          sizeAtOrBelow: db.prepare('SELECT max(tree_size) FROM control_head_sizes WHERE tree_size <= ?').pluck(),
          hasSize: db.prepare('SELECT 1 FROM control_head_sizes WHERE tree_size = ?').pluck(),
          nextControl: db.prepare('SELECT min(control_id) FROM control_heads WHERE control_id > ?').pluck(),
          firstControl: db.prepare('SELECT min(control_id) FROM control_heads').pluck(),
          headAt: db.prepare(
            'SELECT count, chain FROM control_heads WHERE control_id = ? AND tree_size <= ? ORDER BY tree_size DESC LIMIT 1',
          ),
          addHead: db.prepare('INSERT INTO control_heads (control_id, tree_size, count, chain) VALUES (?, ?, ?, ?)'),
          addSize: db.prepare('INSERT INTO control_head_sizes (tree_size) VALUES (?)'),
          anySigned: db.prepare('SELECT 1 FROM control_head_sizes s JOIN checkpoints c ON c.tree_size = s.tree_size LIMIT 1').pluck(),
        }
      : undefined;
  }

  /** controlId and leaf hash of entries [from, to), in index order: all a fold needs, without the leaf bytes. */
  *entriesBetween(from: number, to: number): Generator<{ controlId: string; leafHash: Uint8Array }> {
    for (const row of this.entryHeads.iterate(from, to) as Iterable<{ controlId: string; leafHash: Buffer }>) {
      yield { controlId: row.controlId, leafHash: new Uint8Array(row.leafHash.buffer, row.leafHash.byteOffset, row.leafHash.byteLength) };
    }
  }

  /** True once a checkpoint was signed at a size whose heads are recorded, i.e. with the line. Sticky. */
  anySigned(): boolean {
    if (!this.signedSeen && this.stmts) this.signedSeen = this.stmts.anySigned.get() !== undefined;
    return this.signedSeen;
  }

  /** The greatest recorded size <= `size`, or undefined when none is. */
  recordedAtOrBelow(size: number): number | undefined {
    return (this.stmts?.sizeAtOrBelow.get(size) as number | null | undefined) ?? undefined;
  }

  /** Every control's head at a recorded size: one indexed look-up per control ever seen, in SQLite's text order. */
  *headsAt(recordedSize: number): Generator<StoredHead> {
    const s = this.stmts;
    if (!s) return;
    for (let id = s.firstControl.get() as string | null; id !== null; id = s.nextControl.get(id) as string | null) {
      const row = s.headAt.get(id, recordedSize) as { count: number; chain: Buffer } | undefined;
      if (row) yield { controlId: id, count: row.count, chain: new Uint8Array(row.chain) };
    }
  }

  /** Records the heads at `size` (only those changed since the recorded size below it). Call inside a transaction. */
  record(size: number, changed: readonly StoredHead[]): void {
    const s = this.stmts;
    if (!s || s.hasSize.get(size) !== undefined) return;
    for (const h of changed) s.addHead.run(h.controlId, size, h.count, h.chain);
    s.addSize.run(size);
  }
}
