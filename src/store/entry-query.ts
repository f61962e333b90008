/**
 * Filtered listings of entries, exact at every moment although the search index lags the log:
 * entries below the indexer's progress are found through entry_search, the not-yet-indexed tail
 * by scanning `entries` (bounded by the indexer's lag). Both parts come in index order and the
 * indexed part lies wholly before the tail, so the merge is a concatenation.
 */
import type { SqlStatement as Statement } from './sql.js';
import type { Db } from './db.js';
import { entryColumns, toEntryRow, type EntryFilter, type EntryRow } from './entry-row.js';
import { forDialect, storedSearchValue } from './sql.js';
import { SEARCH_FIELDS, type SearchField, type SearchStore } from './search-store.js';

type StringFilter = 'type' | 'controlId' | 'system' | 'actorId' | 'subjectId' | 'source';

/**
 * String filters with their column and search field, most selective first: with several, the
 * first present is looked up in the search index and all are checked on the entry row read
 * (so a search row with a wrong value can never list an entry that does not match).
 * Subjects and actors name one identity each; controls and systems are tens; sources and types a few.
 */
const STRING_FILTERS: readonly { key: StringFilter; column: string; field: SearchField }[] = [
  { key: 'subjectId', column: 'subject_id', field: 'subject' },
  { key: 'actorId', column: 'actor_id', field: 'actor' },
  { key: 'controlId', column: 'control_id', field: 'controlId' },
  { key: 'system', column: 'system', field: 'system' },
  { key: 'source', column: 'source', field: 'source' },
  { key: 'type', column: 'type', field: 'type' },
];

/** The bounds every part of a query applies to the entry row (idx bounds go to entry_search when it leads). */
const BOUND_CLAUSES = {
  receivedFrom: 'received_at >= ?',
  receivedBefore: 'received_at < ?',
} as const;

interface Clauses {
  sql: string[];
  args: unknown[];
}

export class EntryQuery {
  /** Statements by SQL text: a listing has at most a few hundred distinct shapes. */
  private readonly statements = new Map<string, Statement>();

  /** SQLite's CROSS JOIN keeps the search rows as the outer loop (https://sqlite.org/optoverview.html#crossjoin); PostgreSQL plans it itself. */
  private readonly joinInOrder: string;

  constructor(
    private readonly db: Db,
    private readonly search: SearchStore,
  ) {
    this.joinInOrder = forDialect(db, { sqlite: 'CROSS JOIN', postgres: 'JOIN' });
  }

  /**
   * Entries matching `filter`, by increasing index, at most `limit`. A time range is best also
   * given as index bounds (LogStore finds them by binary search), so neither part reads outside it.
   */
  list(filter: EntryFilter, limit: number): EntryRow[] {
    const through = this.search.indexedThrough();
    const lookup = STRING_FILTERS.find((f) => filter[f.key] !== undefined);
    if (!lookup || through === 0) return this.scan(filter, Number.MIN_SAFE_INTEGER, limit);
    const rows = this.fromIndex(filter, lookup, through, limit);
    return rows.length < limit ? rows.concat(this.scan(filter, through, limit - rows.length)) : rows;
  }

  /** Matching entries below `through`, found by one field's search rows. */
  private fromIndex(filter: EntryFilter, lookup: (typeof STRING_FILTERS)[number], through: number, limit: number): EntryRow[] {
    const c = this.entryClauses(filter, 'e');
    const sql = `SELECT ${entryColumns('e')} FROM entry_search s ${this.joinInOrder} entries e ON e.idx = s.idx
      WHERE s.field = ? AND s.value = ? AND s.idx < ?
      ${filter.afterIndex !== undefined ? 'AND s.idx > ?' : ''} ${filter.beforeIndex !== undefined ? 'AND s.idx < ?' : ''}
      ${c.sql.map((s) => `AND ${s}`).join(' ')}
      ORDER BY s.idx LIMIT ?`;
    const args = [SEARCH_FIELDS[lookup.field], storedSearchValue(this.db, filter[lookup.key]), through];
    if (filter.afterIndex !== undefined) args.push(filter.afterIndex);
    if (filter.beforeIndex !== undefined) args.push(filter.beforeIndex);
    return this.statement(sql).all(...args, ...c.args, limit).map(toEntryRow);
  }

  /** Matching entries at or after `from`, by a scan of `entries` in index order. */
  private scan(filter: EntryFilter, from: number, limit: number): EntryRow[] {
    const c = this.entryClauses(filter, '');
    // One lower bound: given `idx >= ? AND idx > ?`, SQLite seeks on one of them and filters by the
    // other row by row, so a page deep in the log read every row before it (a bundle was O(n^2)).
    const start = filter.afterIndex === undefined ? from : Math.max(from, filter.afterIndex + 1);
    if (filter.beforeIndex !== undefined) {
      c.sql.push('idx < ?');
      c.args.push(filter.beforeIndex);
    }
    const sql = `SELECT ${entryColumns()} FROM entries WHERE idx >= ? ${c.sql.map((s) => `AND ${s}`).join(' ')}
      ORDER BY idx LIMIT ?`;
    return this.statement(sql).all(start, ...c.args, limit).map(toEntryRow);
  }

  /** The string and time filters as clauses on the entry row. */
  private entryClauses(filter: EntryFilter, table: string): Clauses {
    const t = table ? `${table}.` : '';
    const c: Clauses = { sql: [], args: [] };
    for (const f of STRING_FILTERS) {
      if (filter[f.key] === undefined) continue;
      c.sql.push(`${t}${f.column} = ?`);
      c.args.push(filter[f.key]);
    }
    for (const [key, clause] of Object.entries(BOUND_CLAUSES)) {
      const value = filter[key as keyof typeof BOUND_CLAUSES];
      if (value === undefined) continue;
      c.sql.push(`${t}${clause}`);
      c.args.push(value);
    }
    return c;
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
