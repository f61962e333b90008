/**
 * Entries and complete-subtree hashes: the log's append-only tables. An append writes only
 * these; lookups by field go through the search index for the part it covers (search-store).
 */
import type { Db } from './db.js';
import type { Hash, NewNode, NodeReader } from '../merkle/types.js';
import { EntryQuery } from './entry-query.js';
import { entryColumns, toEntryRow, type EntryFilter, type EntryRow } from './entry-row.js';
import type { SearchStore } from './search-store.js';
import { StoreError } from './errors.js';
import { dialectOf } from './sql.js';

export type { EntryRow, EntryFilter } from './entry-row.js';

const ENTRY_COLUMNS = entryColumns();
const ENTRY_INSERT = `INSERT INTO entries
      (idx, leaf, leaf_hash, received_at, source, type, control_id, system, actor_id, subject_id, occurred_at)`;
const NODE_INSERT = 'INSERT INTO nodes (level, idx, hash)';
/** Rows per multi-row INSERT on PostgreSQL: 500 entries are 5,500 parameters. */
const ROWS_PER_INSERT = 500;

/** `(?, ?), (?, ?)`: `rows` groups of `columns` placeholders. */
function rowsOf(rows: number, columns: number): string {
  const one = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => one).join(', ');
}

/**
 * Most unindexed entries a leaf-hash lookup scans (about 2 ms here): above the indexer's steady
 * lag (its cap of 20,000 plus one 4,096-entry step), far below a whole log.
 */
export const MAX_LEAF_HASH_TAIL_SCAN = 50_000;

export class LogStore implements NodeReader {
  private readonly insertEntry;
  private readonly insertNode;
  private readonly selectLeafHash;
  private readonly selectNode;
  private readonly selectNodesIn;
  private readonly selectEntry;
  private readonly selectByHashFrom;
  private readonly selectLast;
  private readonly selectReceivedAt;
  private readonly selectMaxIndex;
  private readonly query: EntryQuery;
  private readonly postgres: boolean;

  constructor(
    private readonly db: Db,
    private readonly search: SearchStore,
  ) {
    this.query = new EntryQuery(db, search);
    this.postgres = dialectOf(db) === 'postgres';
    this.insertEntry = db.prepare(`${ENTRY_INSERT} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertNode = db.prepare(`${NODE_INSERT} VALUES (?, ?, ?)`);
    this.selectLeafHash = db.prepare('SELECT leaf_hash FROM entries WHERE idx = ?').pluck();
    this.selectNode = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck();
    this.selectNodesIn = db.prepare('SELECT idx, hash FROM nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx');
    this.selectEntry = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE idx = ?`);
    this.selectByHashFrom = db.prepare('SELECT idx FROM entries WHERE idx >= ? AND leaf_hash = ? ORDER BY idx LIMIT 1').pluck();
    this.selectLast = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries ORDER BY idx DESC LIMIT 1`);
    this.selectReceivedAt = db.prepare('SELECT received_at FROM entries WHERE idx = ?').pluck();
    this.selectMaxIndex = db.prepare('SELECT max(idx) FROM entries').pluck();
  }

  /** Number of entries (indexes are dense, so this is the tree size). O(log n). */
  size(): number {
    const last = this.selectLast.get();
    return last ? toEntryRow(last).index + 1 : 0;
  }

  last(): EntryRow | undefined {
    const raw = this.selectLast.get();
    return raw ? toEntryRow(raw) : undefined;
  }

  /** Appends entries and the tree nodes they complete. Call inside a transaction. */
  append(entries: readonly EntryRow[], nodes: readonly NewNode[]): void {
    if (this.postgres) return this.appendInRows(entries, nodes);
    // Positional parameters: binding by name costs a property lookup per column on the hot path.
    for (const e of entries) {
      this.insertEntry.run(e.index, e.leaf, e.leafHash, e.receivedAt, e.source, e.type, e.controlId, e.system, e.actorId, e.subjectId, e.occurredAt);
    }
    // Level-0 nodes are the entries' leaf_hash column; only interior nodes are stored here.
    for (const n of nodes) if (n.level > 0) this.insertNode.run(n.level, n.index, n.hash);
  }

  /**
   * PostgreSQL: each statement is a round trip, so a group commit goes in as multi-row INSERTs
   * (ROWS_PER_INSERT rows each, within the protocol's 65,535 parameters) rather than row by row.
   */
  private appendInRows(entries: readonly EntryRow[], nodes: readonly NewNode[]): void {
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      const part = entries.slice(i, i + ROWS_PER_INSERT);
      const args = part.flatMap((e) => [e.index, e.leaf, e.leafHash, e.receivedAt, e.source, e.type, e.controlId, e.system, e.actorId, e.subjectId, e.occurredAt]);
      this.db.prepare(`${ENTRY_INSERT} VALUES ${rowsOf(part.length, 11)}`).run(...args);
    }
    const interior = nodes.filter((n) => n.level > 0);
    for (let i = 0; i < interior.length; i += ROWS_PER_INSERT) {
      const part = interior.slice(i, i + ROWS_PER_INSERT);
      this.db.prepare(`${NODE_INSERT} VALUES ${rowsOf(part.length, 3)}`).run(...part.flatMap((n) => [n.level, n.index, n.hash]));
    }
  }

  getNode(level: number, index: number): Hash {
    const hash = (level === 0 ? this.selectLeafHash.get(index) : this.selectNode.get(level, index)) as
      | Buffer
      | undefined;
    if (!hash) throw new Error(`couldn't read stored tree node (level ${level}, index ${index}): missing`);
    return new Uint8Array(hash);
  }

  /** A stored interior node (level >= 1), or undefined when there is none (the audit reports it). */
  findNode(level: number, index: number): Hash | undefined {
    const hash = this.selectNode.get(level, index) as Buffer | undefined;
    return hash === undefined ? undefined : new Uint8Array(hash);
  }

  /**
   * The stored nodes at `keys` in at most two statements (leaf hashes, interior nodes), keyed
   * `level/index`; absent ones are left out. For proofs, whose nodes are known before they are read.
   */
  getNodes(keys: readonly { level: number; index: number }[]): Map<string, Hash> {
    const out = new Map<string, Hash>();
    const leaves = [...new Set(keys.filter((k) => k.level === 0).map((k) => k.index))];
    const interior = keys.filter((k) => k.level > 0);
    if (leaves.length > 0) {
      const sql = `SELECT idx, leaf_hash AS hash FROM entries WHERE idx IN (${leaves.map(() => '?').join(', ')})`;
      for (const row of this.db.prepare(sql).all(...leaves) as { idx: number; hash: Buffer }[]) out.set(`0/${row.idx}`, new Uint8Array(row.hash));
    }
    if (interior.length > 0) {
      const pairs = interior.map(() => '(level = ? AND idx = ?)').join(' OR ');
      const sql = `SELECT level, idx, hash FROM nodes WHERE ${pairs}`;
      const rows = this.db.prepare(sql).all(...interior.flatMap((k) => [k.level, k.index])) as { level: number; idx: number; hash: Buffer }[];
      for (const row of rows) out.set(`${row.level}/${row.idx}`, new Uint8Array(row.hash));
    }
    return out;
  }

  /** Stored interior nodes (level >= 1) with index in [from, to), by index: the audit reads ahead with it. */
  findNodes(level: number, from: number, to: number): Map<number, Hash> {
    const out = new Map<number, Hash>();
    for (const row of this.selectNodesIn.all(level, from, to) as { idx: number; hash: Buffer }[]) out.set(row.idx, new Uint8Array(row.hash));
    return out;
  }

  /**
   * Stored interior nodes that the tree of `size` leaves does not have, streamed (for the
   * audit): left behind by a truncated log, or planted. Node (level, i) belongs to the tree
   * exactly when level >= 1 and (i + 1) * 2^level <= size, i.e. i < size >> level.
   */
  *nodesOutside(size: number): Generator<{ level: unknown; index: unknown }> {
    // PostgreSQL's columns are typed; SQLite's accept any value, so there the type is checked too.
    const typed = dialectOf(this.db) === 'postgres' ? '' : "typeof(level) = 'integer' AND typeof(idx) = 'integer' AND";
    const stmt = this.db.prepare(`SELECT level, idx AS "index" FROM nodes
      WHERE NOT (${typed} level BETWEEN 1 AND 62
                 AND idx >= 0 AND idx < (CAST(? AS BIGINT) >> CAST(level AS INTEGER)))
      ORDER BY level, idx`);
    yield* stmt.iterate(size) as IterableIterator<{ level: unknown; index: unknown }>;
  }

  entry(index: number): EntryRow | undefined {
    const raw = this.selectEntry.get(index);
    return raw ? toEntryRow(raw) : undefined;
  }

  /**
   * Index of the first entry with this leaf hash, if any: from the search index below its
   * progress, else by scanning the not-yet-indexed tail. The lookup is public, so the scan is
   * bounded: past MAX_LEAF_HASH_TAIL_SCAN unindexed entries (a backfill after migration 004, or
   * an indexer that keeps failing) it is refused as unavailable rather than scanning the log.
   */
  indexOfLeafHash(leafHash: Hash): number | undefined {
    const through = this.search.indexedThrough();
    const indexed = this.search.firstIndexOfLeafHash(leafHash, through);
    if (indexed !== undefined) return indexed;
    if (this.size() - through > MAX_LEAF_HASH_TAIL_SCAN) {
      throw new StoreError('UNAVAILABLE', `the search index is ${this.size() - through} entries behind the log; look entries up by index, or retry once it has caught up`);
    }
    return this.selectByHashFrom.get(through, leafHash) as number | undefined;
  }

  /** Number of entries received strictly before `receivedAt` (RFC 3339 UTC ms, which sorts as text). */
  countReceivedBefore(receivedAt: string): number {
    return this.firstReceivedAtOrAfter(receivedAt);
  }

  /**
   * The first index whose receivedAt is at or after `receivedAt` (the log's size if none): a binary
   * search over idx, O(log n) point reads. receivedAt never decreases with the index (contract,
   * "Entries"; the sequencer stamps it so and the audit checks it), which is what lets time ranges
   * go without an index of their own (migration 003).
   */
  private firstReceivedAtOrAfter(receivedAt: string): number {
    let low = 0;
    let high = ((this.selectMaxIndex.get() as number | null) ?? -1) + 1;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if ((this.selectReceivedAt.get(mid) as string) < receivedAt) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Entries matching `filter`, by increasing index, at most `limit` of them (see EntryQuery). */
  list(filter: EntryFilter, limit: number): EntryRow[] {
    // A time range is an index range (see firstReceivedAtOrAfter); the time clauses stay as well.
    const bounded = { ...filter };
    if (filter.receivedFrom !== undefined) {
      bounded.afterIndex = Math.max(filter.afterIndex ?? -1, this.firstReceivedAtOrAfter(filter.receivedFrom) - 1);
    }
    if (filter.receivedBefore !== undefined) {
      bounded.beforeIndex = Math.min(filter.beforeIndex ?? Number.MAX_SAFE_INTEGER, this.firstReceivedAtOrAfter(filter.receivedBefore));
    }
    return this.query.list(bounded, limit);
  }

  /** Streams entries [from, to) in index order without loading them all (for audit and bundles). */
  *iterate(from = 0, to = Number.MAX_SAFE_INTEGER): Generator<EntryRow> {
    const stmt = this.db.prepare(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx`);
    for (const raw of stmt.iterate(from, to)) yield toEntryRow(raw);
  }
}
