/** Reporting-period closes: one append-only row per closed period (migration 002). */
import type { SqlStatement as Statement } from './sql.js';
import type { Db } from './db.js';
import { lazyStatements } from './lazy-statements.js';

export type PeriodCloseKind = 'day' | 'month' | 'quarter' | 'year';

/** One recorded close. Times are RFC 3339 UTC with milliseconds (they sort as text). */
export interface PeriodCloseRow {
  periodId: string;
  kind: PeriodCloseKind;
  start: string;
  end: string;
  /** Entries with receivedAt < end; a checkpoint is signed at exactly this size. */
  treeSize: number;
  closedAt: string;
}

const COLUMNS = 'period_id AS periodId, kind, start, "end" AS "end", tree_size AS treeSize, closed_at AS closedAt';

const SQL = {
  insert: `INSERT INTO period_closes (period_id, kind, start, "end", tree_size, closed_at)
    VALUES (@periodId, @kind, @start, @end, @treeSize, @closedAt)`,
  byId: `SELECT ${COLUMNS} FROM period_closes WHERE period_id = ?`,
  latestOfKind: `SELECT ${COLUMNS} FROM period_closes WHERE kind = ? AND "end" < ? ORDER BY "end" DESC LIMIT 1`,
  byKind: `SELECT ${COLUMNS} FROM period_closes WHERE kind = ? ORDER BY "end"`,
  all: `SELECT ${COLUMNS} FROM period_closes ORDER BY "end", tree_size, period_id`,
  lastEnd: 'SELECT MAX("end") FROM period_closes',
} as const;

export class PeriodStore {
  /**
   * Prepared on first use, not in the constructor: a read-only open skips migrations, and a
   * database from before migration 002 must still open for the log's own audit.
   */
  private readonly stmt: (name: keyof typeof SQL) => Statement;

  constructor(db: Db) {
    this.stmt = lazyStatements(db, SQL);
  }

  /** Records a close; a second close of the same period violates the primary key. */
  add(row: PeriodCloseRow): void {
    this.stmt('insert').run(row);
  }

  get(periodId: string): PeriodCloseRow | undefined {
    return this.stmt('byId').get(periodId) as PeriodCloseRow | undefined;
  }

  /** The latest close of `kind` that ended strictly before `beforeEnd`: a close's predecessor. */
  latestOfKind(kind: PeriodCloseKind, beforeEnd: string): PeriodCloseRow | undefined {
    return this.stmt('latestOfKind').get(kind, beforeEnd) as PeriodCloseRow | undefined;
  }

  /** Closes of `kind` (every kind when omitted) by increasing end. */
  list(kind?: PeriodCloseKind): PeriodCloseRow[] {
    return (kind === undefined ? this.stmt('all').all() : this.stmt('byKind').all(kind)) as PeriodCloseRow[];
  }

  /** The latest end of any recorded close: where closing resumes after a restart. */
  lastClosedEnd(): string | undefined {
    return (this.stmt('lastEnd').pluck().get() as string | null) ?? undefined;
  }
}
