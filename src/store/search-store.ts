/**
 * The search index (migration 004): one row per (entry, query field), kept behind the log by
 * the search indexer so that appends write no secondary index. Entries [0, indexedThrough) have
 * all their rows; later entries have none yet and are found by scanning `entries`.
 */
import type { Db } from './db.js';
import type { EntryRow } from './entry-row.js';
import { dialectOf, hasTable, storedSearchValue, type Dialect } from './sql.js';

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

/** The entries column each field indexes. */
export const SEARCH_COLUMNS: Readonly<Record<SearchField, string>> = {
  leafHash: 'leaf_hash',
  type: 'type',
  controlId: 'control_id',
  system: 'system',
  actor: 'actor_id',
  subject: 'subject_id',
  source: 'source',
};

/** The value each field takes for an entry: what its search rows must hold (the audit's view of SEARCH_COLUMNS). */
export function searchValues(e: EntryRow): Record<SearchField, SearchValue> {
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

/**
 * The search rows of entries [@from, @to), built inside SQLite from the stored columns: half the
 * CPU of building them in JavaScript and binding each row (9 vs 18 us per entry on a 1e5 log).
 * Inserted in primary key order, so each B-tree page is walked once while hot; that measured
 * ~3% faster than unsorted on a 1e6 log and the same on 1e5, where the index fits in the cache.
 */
function chunkRows(dialect: Dialect): string {
  return SEARCH_FIELD_NAMES.map((name) => {
    // PostgreSQL's value column is BYTEA: text columns go in as their UTF-8 bytes (storedSearchValue).
    const value = dialect === 'postgres' && name !== 'leafHash' ? `convert_to(${SEARCH_COLUMNS[name]}, 'UTF8')` : SEARCH_COLUMNS[name];
    return `SELECT ${SEARCH_FIELDS[name]} AS field, ${value} AS value, idx FROM entries WHERE idx >= @from AND idx < @to`;
  }).join('\n  UNION ALL ');
}

export class SearchStore {
  /** false on a database from before migration 004 opened read-only: nothing is indexed. */
  readonly available: boolean;
  private readonly stmts;

  constructor(db: Db) {
    this.available = hasTable(db, 'search_batches');
    this.stmts = this.available ? prepare(db) : undefined;
  }

  /** Entries [0, indexedThrough) are indexed. O(log n): the largest key of search_batches. */
  indexedThrough(): number {
    return (this.stmts?.through.get() as number | null | undefined) ?? 0;
  }

  /**
   * Indexes entries [from, to), which must follow the indexed ones and exist, and records the
   * progress, as one unit: call inside a transaction. Returns the number of rows written.
   */
  indexRange(from: number, to: number): number {
    const s = this.required();
    const written = s.insertChunk.run({ from, to }).changes;
    s.insertBatch.run(to);
    return written;
  }

  /** The first indexed entry (below `to`) whose stored leaf hash is `leafHash`, checked against the entry itself. */
  firstIndexOfLeafHash(leafHash: Uint8Array, to: number): number | undefined {
    if (!this.stmts || to <= 0) return undefined;
    return this.stmts.firstLeafHash.get(leafHash, to) as number | undefined;
  }

  /**
   * Which of entry `idx`'s rows exist, as a bit mask (bit SEARCH_FIELDS[f] set when the row
   * (f, values[f], idx) is there): one point lookup per field, all in one statement (for the audit).
   */
  presentRows(values: Record<SearchField, SearchValue>, idx: number): number {
    if (!this.stmts) return 0;
    const args: unknown[] = [];
    for (const name of SEARCH_FIELD_NAMES) args.push(storedSearchValue(this.stmts.db, values[name]), idx);
    return this.stmts.present.get(...args) as number;
  }

  /**
   * presentRows for every entry of [from, to) in one statement, each checked against the entry's
   * own stored columns (what searchValues gives): the audit reads ahead with it, since one
   * statement per entry is a round trip per entry on PostgreSQL. Entries without a row in the
   * range are absent from the map.
   */
  presentRowsIn(from: number, to: number): Map<number, number> {
    const out = new Map<number, number>();
    if (!this.stmts) return out;
    for (const row of this.stmts.presentIn.all(from, to) as { idx: number; mask: number }[]) out.set(row.idx, row.mask);
    return out;
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
  const postgres = dialectOf(db) === 'postgres';
  return {
    db,
    through: db.prepare('SELECT max(through) FROM search_batches').pluck(),
    insertChunk: db.prepare(`INSERT INTO entry_search (field, value, idx) SELECT field, value, idx FROM (\n  ${chunkRows(dialectOf(db))}\n) AS chunk ORDER BY field, value, idx`),
    insertBatch: db.prepare('INSERT INTO search_batches (through) VALUES (?)'),
    // A search row is only a pointer: the entry it names must really have that leaf hash.
    firstLeafHash: db.prepare(`SELECT s.idx FROM entry_search s JOIN entries e ON e.idx = s.idx
      WHERE s.field = ${SEARCH_FIELDS.leafHash} AND s.value = ? AND e.leaf_hash = s.value AND s.idx < ? ORDER BY s.idx LIMIT 1`).pluck(),
    present: db.prepare(
      `SELECT ${SEARCH_FIELD_NAMES.map((n) => `(CAST(EXISTS (SELECT 1 FROM entry_search WHERE field = ${SEARCH_FIELDS[n]} AND value = ? AND idx = ?) AS INTEGER) << ${SEARCH_FIELDS[n]})`).join(' | ')}`,
    ).pluck(),
    presentIn: db.prepare(
      `SELECT e.idx AS idx, ${SEARCH_FIELD_NAMES.map((n) => {
        const column = `e.${SEARCH_COLUMNS[n]}`;
        const value = postgres && n !== 'leafHash' ? `convert_to(${column}, 'UTF8')` : column;
        return `(CAST(EXISTS (SELECT 1 FROM entry_search s WHERE s.field = ${SEARCH_FIELDS[n]} AND s.value = ${value} AND s.idx = e.idx) AS INTEGER) << ${SEARCH_FIELDS[n]})`;
      }).join(' | ')} AS mask FROM entries e WHERE e.idx >= ? AND e.idx < ? ORDER BY e.idx`,
    ),
    count: db.prepare('SELECT count(*) FROM entry_search').pluck(),
    batchesOutside: db.prepare('SELECT through FROM search_batches WHERE NOT (through > 0 AND through <= ?) ORDER BY through').pluck(),
    // PostgreSQL's columns are typed; SQLite's accept any value, so there the type is checked too.
    rowsOutside: db.prepare(`SELECT field, idx FROM entry_search
      WHERE NOT (${postgres ? '' : "typeof(field) = 'integer' AND typeof(idx) = 'integer' AND "}field >= 0 AND field < ? AND idx >= 0 AND idx < ?)
      ORDER BY idx, field`),
  };
}
