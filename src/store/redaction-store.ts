/**
 * Redactions (migration `redaction`, contract "Redaction"): approvals, each a `redaction` entry of
 * the log, and the completed redactions whose targets have no leaf any more. The database's
 * triggers allow emptying an entry (and replacing its search rows) only under a row of
 * `redactions`, whose own trigger requires the approval, whose trigger requires the entry.
 */
import type { Db } from './db.js';
import { dialectOf, forDialect, hasTable, storedSearchValue, type Dialect } from './sql.js';
import { SEARCH_FIELDS, SEARCH_FIELD_NAMES } from './search-store.js';
import type { EntryRow } from './entry-row.js';

/** An empty byte string, as each dialect writes it. */
const EMPTY_BYTES: Record<Dialect, string> = { sqlite: "X''", postgres: "'\\x'::bytea" };

/** Every search field but the leaf hash and the control id, which a redacted entry keeps (migration 007). */
const EMPTIED_FIELDS = SEARCH_FIELD_NAMES.filter((f) => f !== 'leafHash' && f !== 'controlId');

export interface RedactionRow {
  /** The entry whose leaf was removed. */
  target: number;
  /** The redaction entry that completed it. */
  by: number;
}

export class RedactionStore {
  /** false on a database from before redaction opened read-only: nothing was ever redacted in it. */
  readonly available: boolean;
  private readonly stmts;

  constructor(db: Db) {
    this.available = hasTable(db, 'redactions') && hasTable(db, 'entry_search');
    this.stmts = this.available ? prepare(db) : undefined;
  }

  /** Who approved redacting `target` so far, in order (the actor ids of their redaction entries). */
  approvers(target: number): string[] {
    return (this.stmts?.approvers.all(target) as string[] | undefined) ?? [];
  }

  /** The index of the redaction entry that removed `target`'s leaf, if it was removed. */
  redactedBy(target: number): number | undefined {
    return this.stmts?.redactedBy.get(target) as number | undefined;
  }

  /** Records entry `by` (a committed redaction record) as `approver`'s approval. Call inside a transaction. */
  addApproval(by: number, target: number, approver: string): void {
    this.required().addApproval.run(by, target, approver);
  }

  /**
   * Completes the redaction of `target` by approval `by`: empties its leaf and field copies and, when
   * the search index covers it (`target < indexedThrough`), replaces its search rows by rows of the
   * emptied values. Call inside the transaction that appended `by`.
   */
  apply(target: EntryRow, by: number, indexedThrough: number): void {
    const s = this.required();
    s.addRedaction.run(target.index, by);
    s.empty.run(target.index);
    if (target.index >= indexedThrough) return;
    const values: Record<string, string> = {
      type: target.type, controlId: target.controlId, system: target.system, actor: target.actorId, subject: target.subjectId, source: target.source,
    };
    for (const field of EMPTIED_FIELDS) {
      s.deleteSearchRow.run(SEARCH_FIELDS[field], storedSearchValue(s.db, values[field]), target.index);
      s.insertSearchRow.run(SEARCH_FIELDS[field], target.index);
    }
  }

  /** Every completed redaction, by target index (for the audit). */
  *all(): Generator<RedactionRow> {
    if (this.stmts) yield* this.stmts.all.iterate() as IterableIterator<RedactionRow>;
  }

  count(): number {
    return (this.stmts?.count.get() as number | undefined) ?? 0;
  }

  private required(): NonNullable<RedactionStore['stmts']> {
    if (!this.stmts) throw new Error('this database has no redaction tables; open it writable to migrate');
    return this.stmts;
  }
}

function prepare(db: Db) {
  return {
    db,
    approvers: db.prepare('SELECT approver FROM redaction_approvals WHERE target_idx = ? ORDER BY by_idx').pluck(),
    addApproval: db.prepare('INSERT INTO redaction_approvals (by_idx, target_idx, approver) VALUES (?, ?, ?)'),
    redactedBy: db.prepare('SELECT by_idx FROM redactions WHERE target_idx = ?').pluck(),
    addRedaction: db.prepare('INSERT INTO redactions (target_idx, by_idx) VALUES (?, ?)'),
    empty: db.prepare(`UPDATE entries SET leaf = ${EMPTY_BYTES[dialectOf(db)]}, source = '', type = '', system = '',
      actor_id = '', subject_id = '', occurred_at = '' WHERE idx = ?`),
    deleteSearchRow: db.prepare('DELETE FROM entry_search WHERE field = ? AND value = ? AND idx = ?'),
    // The emptied value: '' (TEXT) in SQLite, no bytes in PostgreSQL (storedSearchValue).
    insertSearchRow: db.prepare(`INSERT INTO entry_search (field, value, idx) VALUES (?, ${forDialect(db, { sqlite: "''", postgres: EMPTY_BYTES.postgres })}, ?)`),
    all: db.prepare('SELECT target_idx AS target, by_idx AS "by" FROM redactions ORDER BY target_idx'),
    count: db.prepare('SELECT count(*) FROM redactions').pluck(),
  };
}
