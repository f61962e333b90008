/** Every signed checkpoint, keyed by tree size. */
import type { Db } from './db.js';

export interface CheckpointRow {
  treeSize: number;
  rootHash: Uint8Array;
  note: string;
  signedAt: string;
}

const COLUMNS = 'tree_size AS treeSize, root_hash AS rootHash, note, signed_at AS signedAt';

function toRow(raw: unknown): CheckpointRow {
  const r = raw as CheckpointRow & { rootHash: Buffer };
  return { ...r, rootHash: new Uint8Array(r.rootHash) };
}

export class CheckpointStore {
  private readonly insert;
  private readonly selectLatest;
  private readonly selectAt;
  private readonly selectAtOrBelow;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO checkpoints (tree_size, root_hash, note, signed_at) VALUES (@treeSize, @rootHash, @note, @signedAt)',
    );
    this.selectLatest = db.prepare(`SELECT ${COLUMNS} FROM checkpoints ORDER BY tree_size DESC LIMIT 1`);
    this.selectAt = db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE tree_size = ?`);
    this.selectAtOrBelow = db.prepare(
      `SELECT ${COLUMNS} FROM checkpoints WHERE tree_size <= ? ORDER BY tree_size DESC LIMIT 1`,
    );
  }

  add(row: CheckpointRow): void {
    this.insert.run(row);
  }

  latest(): CheckpointRow | undefined {
    const raw = this.selectLatest.get();
    return raw ? toRow(raw) : undefined;
  }

  at(treeSize: number): CheckpointRow | undefined {
    const raw = this.selectAt.get(treeSize);
    return raw ? toRow(raw) : undefined;
  }

  /** The largest checkpoint at or below `treeSize`. */
  atOrBelow(treeSize: number): CheckpointRow | undefined {
    const raw = this.selectAtOrBelow.get(treeSize);
    return raw ? toRow(raw) : undefined;
  }

  /** All checkpoints by increasing size, streamed. */
  *iterate(): Generator<CheckpointRow> {
    const stmt = this.db.prepare(`SELECT ${COLUMNS} FROM checkpoints ORDER BY tree_size`);
    for (const raw of stmt.iterate()) yield toRow(raw);
  }
}
