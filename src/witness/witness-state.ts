/**
 * The witness's own state, in its own SQLite file: for each log (origin), the latest checkpoint
 * it cosigned, and the history of everything it cosigned. Never the ledger's database.
 *
 * C2SP tlog-witness §add-checkpoint: checking the old size against the stored one and storing the
 * new checkpoint must be one atomic step, persisted before the answer. Here both happen in one
 * IMMEDIATE transaction (the write lock is taken before the read, so no other process or
 * request can interleave), committed with synchronous=FULL in WAL mode (fsynced). A trigger
 * refuses any update that would roll a log back, whatever code asks.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS logs (
  origin      TEXT PRIMARY KEY,
  tree_size   INTEGER NOT NULL CHECK (tree_size >= 0),
  root_hash   BLOB NOT NULL CHECK (length(root_hash) = 32),
  -- The checkpoint as cosigned: body, the log's verified signature lines, then ours.
  note        TEXT NOT NULL,
  cosigned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS logs_no_rollback BEFORE UPDATE ON logs
WHEN NEW.origin IS NOT OLD.origin OR NEW.tree_size < OLD.tree_size
  OR (NEW.tree_size = OLD.tree_size AND NEW.root_hash IS NOT OLD.root_hash)
BEGIN SELECT RAISE(ABORT, 'a witness never rolls a log back'); END;
CREATE TRIGGER IF NOT EXISTS logs_no_delete BEFORE DELETE ON logs
BEGIN SELECT RAISE(ABORT, 'a witness never forgets a log'); END;

CREATE TABLE IF NOT EXISTS cosigned (
  origin      TEXT NOT NULL,
  tree_size   INTEGER NOT NULL,
  root_hash   BLOB NOT NULL,
  cosigned_at INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS cosigned_no_update BEFORE UPDATE ON cosigned
BEGIN SELECT RAISE(ABORT, 'the cosigning history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS cosigned_no_delete BEFORE DELETE ON cosigned
BEGIN SELECT RAISE(ABORT, 'the cosigning history is append-only'); END;
`;

export interface LogHead {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  note: string;
  /** POSIX seconds of our cosignature. */
  cosignedAt: number;
}

export interface LogSummary extends LogHead {
  /** How many checkpoints of this log we cosigned. */
  count: number;
}

function toHead(raw: unknown): LogHead {
  const r = raw as LogHead & { rootHash: Buffer };
  return { ...r, rootHash: new Uint8Array(r.rootHash) };
}

export class WitnessState {
  private readonly selectLog;
  private readonly insertLog;
  private readonly updateLog;
  private readonly insertHistory;

  private constructor(private readonly db: Database.Database) {
    this.selectLog = db.prepare('SELECT origin, tree_size AS treeSize, root_hash AS rootHash, note, cosigned_at AS cosignedAt FROM logs WHERE origin = ?');
    this.insertLog = db.prepare('INSERT INTO logs (origin, tree_size, root_hash, note, cosigned_at) VALUES (@origin, @treeSize, @rootHash, @note, @cosignedAt)');
    this.updateLog = db.prepare('UPDATE logs SET tree_size = @treeSize, root_hash = @rootHash, note = @note, cosigned_at = @cosignedAt WHERE origin = @origin');
    this.insertHistory = db.prepare('INSERT INTO cosigned (origin, tree_size, root_hash, cosigned_at) VALUES (@origin, @treeSize, @rootHash, @cosignedAt)');
  }

  /** Opens (creating if needed) the state file, durable: WAL with synchronous=FULL. */
  static open(file: string, options: { readonly?: boolean } = {}): WitnessState {
    if (!options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    try {
      db.pragma('busy_timeout = 5000');
      if (!options.readonly) {
        if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') throw new Error(`${file} refused WAL mode`);
        db.pragma('synchronous = FULL');
        db.exec(SCHEMA);
      }
      return new WitnessState(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  latest(origin: string): LogHead | undefined {
    const raw = this.selectLog.get(origin);
    return raw ? toHead(raw) : undefined;
  }

  /**
   * In one IMMEDIATE transaction: reads the stored head, lets `decide` refuse (its answer is
   * returned and nothing is written), else stores `next` (or what it builds from the stored head)
   * as the new head and in the history.
   */
  compareAndSet<R>(
    origin: string,
    decide: (known: LogHead | undefined) => R | undefined,
    next: LogHead | ((known: LogHead | undefined) => LogHead),
  ): R | undefined {
    return this.db
      .transaction(() => {
        const known = this.latest(origin);
        const refusal = decide(known);
        if (refusal !== undefined) return refusal;
        const row = { ...(typeof next === 'function' ? next(known) : next), origin };
        if (known) this.updateLog.run(row);
        else this.insertLog.run(row);
        this.insertHistory.run(row);
        return undefined;
      })
      .immediate();
  }

  /** Every log with its latest cosigned head and how many checkpoints of it were cosigned. */
  list(): LogSummary[] {
    const rows = this.db
      .prepare(
        `SELECT l.origin, l.tree_size AS treeSize, l.root_hash AS rootHash, l.note, l.cosigned_at AS cosignedAt,
                (SELECT count(*) FROM cosigned c WHERE c.origin = l.origin) AS count
         FROM logs l ORDER BY l.origin`,
      )
      .all();
    return rows.map((raw) => ({ ...toHead(raw), count: (raw as { count: number }).count }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
