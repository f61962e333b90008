/**
 * The search index (migration 004): one row per (entry, query field), kept behind the log by
 * the search indexer so that appends write no secondary index. Entries [0, indexedThrough) have
 * all their rows; later entries have none yet and are found by scanning `entries`.
 */
import type { Db } from './db.js';
import type { EntryRow } from './log-store.js';

/** Field codes stored in entry_search.field. Stored on disk: never renumber, only add. */
export const SEARCH_FIELDS = {
  leafHash: 0,
  type: 1,
  controlId: 2,
  system: 3,
  actor: 4,
  subject: 5,
  source: 6,
} as const;

export type SearchField = keyof typeof SEARCH_FIELDS;
export type SearchValue = string | Uint8Array;

/** Every field, in code order. */
export const SEARCH_FIELD_NAMES = Object.keys(SEARCH_FIELDS) as SearchField[];

export interface SearchRow {
  field: number;
  value: SearchValue;
  idx: number;
}

/** The columns of an entry that the search index holds. */
export type SearchedColumns = Pick<EntryRow, 'index' | 'leafHash' | 'type' | 'controlId' | 'system' | 'actorId' | 'subjectId' | 'source'>;

/** The value each field takes for an entry: what its search rows must hold. */
export function searchValues(e: SearchedColumns): Record<SearchField, SearchValue> {
  return {
    leafHash: e.leafHash,
    type: e.type,
    controlId: e.controlId,
    system: e.system,
    actor: e.actorId,
    subject: e.subjectId,
    source: e.source,
  };
}

/** An entry's search rows, one per field. */
export function searchRowsOf(e: SearchedColumns): SearchRow[] {
  const values = searchValues(e);
  return SEARCH_FIELD_NAMES.map((name) => ({ field: SEARCH_FIELDS[name], value: values[name], idx: e.index }));
}

/** The primary key order of entry_search (SQLite's BINARY order for one field's values). */
export function compareSearchRows(a: SearchRow, b: SearchRow): number {
  if (a.field !== b.field) return a.field - b.field;
  if (a.value !== b.value) {
    if (typeof a.value === 'string' && typeof b.value === 'string') {
      if (a.value < b.value) return -1;
      if (a.value > b.value) return 1;
    } else if (a.value instanceof Uint8Array && b.value instanceof Uint8Array) {
      const c = Buffer.compare(a.value, b.value);
      if (c !== 0) return c;
    }
  }
  return a.idx - b.idx;
}

const SEARCHED_COLUMNS = `idx AS "index", leaf_hash AS leafHash, type, control_id AS controlId, system,
  actor_id AS actorId, subject_id AS subjectId, source`;

export class SearchStore {
  /** false on a database from before migration 004 opened read-only: nothing is indexed. */
  readonly available: boolean;
  private readonly stmts;

  constructor(db: Db) {
    this.available = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'search_batches'").get() !== undefined;
    this.stmts = this.available ? prepare(db) : undefined;
  }

  /** Entries [0, indexedThrough) are indexed. O(log n): the largest key of search_batches. */
  indexedThrough(): number {
    return (this.stmts?.through.get() as number | null | undefined) ?? 0;
  }

  /** The stored columns of up to `limit` entries from index `from` on, in index order: what the indexer builds rows from. */
  searchedColumns(from: number, limit: number): SearchedColumns[] {
    return this.required()
      .columns.all(from, limit)
      .map((raw) => {
        const r = raw as SearchedColumns & { leafHash: Buffer };
        return { ...r, leafHash: new Uint8Array(r.leafHash) };
      });
  }

  /**
   * Records that entries [previous through, through) are indexed by `rows`, inserted in the
   * given order (callers sort them by compareSearchRows: inserts that walk the B-tree in key
   * order keep its pages hot). Call inside a transaction, so the rows and the progress row
   * commit together.
   */
  indexRange(rows: readonly SearchRow[], through: number): void {
    const s = this.required();
    for (const r of rows) s.insert.run(r.field, r.value, r.idx);
    s.insertBatch.run(through);
  }

  /** The first index in [from, to) whose `field` is `value`, if any. */
  firstIndexOf(field: SearchField, value: SearchValue, from: number, to: number): number | undefined {
    if (!this.stmts || from >= to) return undefined;
    return this.stmts.first.get(SEARCH_FIELDS[field], value, from, to) as number | undefined;
  }

  /** Whether entry `idx` has its row (field, value): one point lookup (for the audit). */
  has(field: SearchField, value: SearchValue, idx: number): boolean {
    return this.stmts?.has.get(SEARCH_FIELDS[field], value, idx) !== undefined;
  }

  /** Rows in the whole index (for the audit). */
  rowCount(): number {
    return (this.stmts?.count.get() as number | undefined) ?? 0;
  }

  /** Progress rows beyond a log of `size` entries, or not positive (for the audit). */
  batchesOutside(size: number): unknown[] {
    return this.stmts?.batchesOutside.all(size) ?? [];
  }

  /** Rows that no entry of [0, through) can own: an unknown field or an index outside (for the audit). */
  *rowsOutside(through: number): Generator<{ field: unknown; idx: unknown }> {
    if (!this.stmts) return;
    yield* this.stmts.rowsOutside.iterate(SEARCH_FIELD_NAMES.length, through) as IterableIterator<{ field: unknown; idx: unknown }>;
  }

  private required(): NonNullable<SearchStore['stmts']> {
    if (!this.stmts) throw new Error('this database has no search index (migration 004); open it writable to migrate');
    return this.stmts;
  }
}

function prepare(db: Db) {
  return {
    through: db.prepare('SELECT max(through) FROM search_batches').pluck(),
    columns: db.prepare(`SELECT ${SEARCHED_COLUMNS} FROM entries WHERE idx >= ? ORDER BY idx LIMIT ?`),
    insert: db.prepare('INSERT INTO entry_search (field, value, idx) VALUES (?, ?, ?)'),
    insertBatch: db.prepare('INSERT INTO search_batches (through) VALUES (?)'),
    first: db.prepare('SELECT idx FROM entry_search WHERE field = ? AND value = ? AND idx >= ? AND idx < ? ORDER BY idx LIMIT 1').pluck(),
    has: db.prepare('SELECT 1 FROM entry_search WHERE field = ? AND value = ? AND idx = ?').pluck(),
    count: db.prepare('SELECT count(*) FROM entry_search').pluck(),
    batchesOutside: db.prepare('SELECT through FROM search_batches WHERE NOT (through > 0 AND through <= ?) ORDER BY through').pluck(),
    rowsOutside: db.prepare(`SELECT field, idx FROM entry_search
      WHERE NOT (typeof(field) = 'integer' AND field >= 0 AND field < ? AND typeof(idx) = 'integer' AND idx >= 0 AND idx < ?)
      ORDER BY idx, field`),
  };
}
