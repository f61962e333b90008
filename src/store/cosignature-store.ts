/** Witness cosignatures of signed checkpoints (the witness-cosignatures migration). Append-only. */
import type { SqlStatement as Statement } from './sql.js';
import type { Db } from './db.js';
import { lazyStatements } from './lazy-statements.js';
import { hasTable } from './sql.js';

export interface CosignatureRow {
  treeSize: number;
  cosigner: string;
  keyHash: number;
  timestamp: number;
  /** The signature line, without its newline. */
  line: string;
  /** The witness verifier key (type 0x04) the line was verified with on arrival. */
  witnessKey: string;
  receivedAt: string;
}

const COLUMNS = 'tree_size AS treeSize, cosigner, key_hash AS keyHash, "timestamp" AS timestamp, line, witness_key AS witnessKey, received_at AS receivedAt';

const SQL = {
  insert: `INSERT INTO cosignatures (tree_size, cosigner, key_hash, "timestamp", line, witness_key, received_at)
    VALUES (@treeSize, @cosigner, @keyHash, @timestamp, @line, @witnessKey, @receivedAt) ON CONFLICT DO NOTHING`,
  forCheckpoint: `SELECT ${COLUMNS} FROM cosignatures WHERE tree_size = ? ORDER BY cosigner, key_hash`,
  lastOf: 'SELECT MAX(tree_size) FROM cosignatures WHERE cosigner = ? AND key_hash = ?',
  has: 'SELECT 1 FROM cosignatures WHERE tree_size = ? AND cosigner = ? AND key_hash = ?',
  sizesDown: 'SELECT tree_size FROM cosignatures GROUP BY tree_size HAVING count(*) >= ? ORDER BY tree_size DESC LIMIT ?',
  sizesUp: 'SELECT DISTINCT tree_size FROM cosignatures WHERE tree_size >= ? ORDER BY tree_size LIMIT ?',
  all: `SELECT ${COLUMNS} FROM cosignatures ORDER BY tree_size, cosigner, key_hash`,
  closeToSend: `SELECT MIN(p.tree_size) FROM period_closes p WHERE p.tree_size >= ? AND NOT EXISTS
    (SELECT 1 FROM cosignatures c WHERE c.tree_size = p.tree_size AND c.cosigner = ? AND c.key_hash = ?)`,
  closesAbove: 'SELECT count(*) AS n, (SELECT period_id FROM period_closes WHERE tree_size > ? ORDER BY "end", period_id LIMIT 1) AS first FROM period_closes WHERE tree_size > ?',
} as const;

export class CosignatureStore {
  private readonly stmt: (name: keyof typeof SQL) => Statement;

  constructor(private readonly db: Db) {
    this.stmt = lazyStatements(db, SQL);
  }

  /** Stores a cosignature; false when one from that key is already held for that checkpoint. */
  add(row: CosignatureRow): boolean {
    return this.stmt('insert').run(row).changes > 0;
  }

  forCheckpoint(treeSize: number): CosignatureRow[] {
    return this.stmt('forCheckpoint').all(treeSize) as CosignatureRow[];
  }

  /** The largest checkpoint this cosigner key cosigned, as far as the ledger holds. */
  lastCosigned(cosigner: string, keyHash: number): number | undefined {
    return (this.stmt('lastOf').pluck().get(cosigner, keyHash) as number | null) ?? undefined;
  }

  has(treeSize: number, cosigner: string, keyHash: number): boolean {
    return this.stmt('has').get(treeSize, cosigner, keyHash) !== undefined;
  }

  /** Sizes of checkpoints with at least `atLeast` cosignatures, largest first. */
  sizesDescending(limit: number, atLeast = 1): number[] {
    return this.stmt('sizesDown').pluck().all(atLeast, limit) as number[];
  }

  /** Sizes of cosigned checkpoints at or above `from`, smallest first. */
  sizesFrom(from: number, limit: number): number[] {
    return this.stmt('sizesUp').pluck().all(from, limit) as number[];
  }

  /** The smallest period-close size at or above `from` that this cosigner has not cosigned. */
  closeToSend(from: number, cosigner: string, keyHash: number): number | undefined {
    return (this.stmt('closeToSend').pluck().get(from, cosigner, keyHash) as number | null) ?? undefined;
  }

  /** Closes whose size is above `size` (not yet covered by a checkpoint of that size), and the first of them. */
  closesAbove(size: number): { count: number; first: string | undefined } {
    const r = this.stmt('closesAbove').get(size, size) as { n: number; first: string | null };
    return { count: r.n, first: r.first ?? undefined };
  }

  /** False for a database from before the witness-cosignatures migration (opened read-only by an audit). */
  exists(): boolean {
    return hasTable(this.db, 'cosignatures');
  }

  *iterate(): Generator<CosignatureRow> {
    for (const raw of this.db.prepare(SQL.all).iterate()) yield raw as CosignatureRow;
  }

  /** Prepared on first use: a read-only open of a database from before the migration still works. */
}
