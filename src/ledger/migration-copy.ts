/**
 * The copy half of `ledger migrate`: streams every table of a source store (read inside one
 * snapshot, by the caller) into an empty target store, in key order, a bounded batch per write
 * transaction. The target's triggers stay on, so it applies to every row the same rules the
 * service obeys: entries go in dense index order, cosignatures after their checkpoints, and so on.
 *
 * Redactions are the one ordering puzzle. A redacted entry is stored with an empty leaf, and the
 * target (like the source) accepts a redaction approval only of an entry that still has its
 * record type, and empties a leaf only once a redaction names it. The original leaf is gone, so
 * the entry cannot be inserted as it was before. It is inserted with a placeholder leaf and type
 * (its leaf hash, index, time and control as stored); once every entry is in, one last
 * transaction writes the approvals and redactions and then empties the placeholders exactly as
 * the service empties a redacted leaf. The proof that follows (migration-proof.ts) compares
 * every row with the source, so no placeholder can survive a successful migration.
 */
import type { Store } from '../store/index.js';
import { storedSearchValue } from '../store/sql.js';
import { COPIED_TABLES, copiedTable, type CopiedTable } from './migration-tables.js';
import { MigrationError } from './migration-errors.js';

/** Rows per write transaction. */
export const DEFAULT_BATCH_ROWS = 1000;
/** A batch is written early once its values pass this many bytes (leaves can be large). */
const BATCH_BYTES = 4 * 1024 * 1024;
/** PostgreSQL takes at most 65,535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

/** What a placeholder holds while its entry waits for its redaction (never committed by a successful migration). */
const PLACEHOLDER_LEAF = Buffer.from('ledger migrate: redacted in the source, emptied again before the migration ends', 'utf8');
const PLACEHOLDER_TYPE = 'migrating-redacted';
/** Written last: each needs every entry it names (migration-copy.ts, module comment). */
const REDACTION_TABLES = new Set(['redaction_approvals', 'redactions']);

export interface CopyOptions {
  batchRows?: number;
  /** Told when a table's copy starts, with its row count. */
  onTable?: (table: string, rows: number) => void;
  /** Told how many rows of the current table are written. */
  onRows?: (done: number, total: number) => void;
}

export type CopyCounts = Record<string, number>;

type Row = Record<string, unknown>;

/** Copies every table of `source` into `target`; the caller holds the source's snapshot. */
export function copyTables(source: Store, target: Store, o: CopyOptions = {}): CopyCounts {
  const batchRows = o.batchRows ?? DEFAULT_BATCH_ROWS;
  const counts: CopyCounts = {};
  const isRedacted = source.db.prepare('SELECT 1 FROM redactions WHERE target_idx = ?').pluck();
  const placeholders: number[] = [];
  for (const table of COPIED_TABLES) {
    if (REDACTION_TABLES.has(table.name)) continue;
    const shape =
      table.name === 'entries'
        ? (row: Row) => {
            if ((row.leaf as Buffer).length > 0 || isRedacted.get(row.idx) === undefined) return row;
            placeholders.push(row.idx as number);
            return { ...row, leaf: PLACEHOLDER_LEAF, type: PLACEHOLDER_TYPE };
          }
        : table.name === 'entry_search'
          ? (row: Row) => ({ ...row, value: storedSearchValue(target.db, row.value) })
          : (row: Row) => row;
    counts[table.name] = copyTable(source, target, table, { batchRows, onTable: o.onTable, onRows: o.onRows, shape });
  }
  o.onTable?.('redactions', rowCount(source, 'redactions'));
  target.transaction(() => {
    // Approvals and redactions can hold no more rows than there are redaction entries, which is few.
    for (const name of REDACTION_TABLES) {
      counts[name] = copyTable(source, target, copiedTable(name), { batchRows, shape: (row) => row });
    }
    const empty = target.db.prepare(
      "UPDATE entries SET leaf = ?, source = '', type = '', system = '', actor_id = '', subject_id = '', occurred_at = '' WHERE idx = ?",
    );
    for (const idx of placeholders) empty.run(Buffer.alloc(0), idx);
  });
  return counts;
}

interface TableCopy {
  batchRows: number;
  shape: (row: Row) => Row;
  onTable?: ((table: string, rows: number) => void) | undefined;
  onRows?: ((done: number, total: number) => void) | undefined;
}

function copyTable(source: Store, target: Store, table: CopiedTable, o: TableCopy): number {
  const total = rowCount(source, table.name);
  o.onTable?.(table.name, total);
  const names = table.columns.map(bareName);
  const maxRows = Math.max(1, Math.min(o.batchRows, Math.floor(MAX_PARAMETERS / names.length)));
  const statements = new Map<number, ReturnType<Store['db']['prepare']>>();
  const insertSql = (rows: number) =>
    `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${names.map(() => '?').join(', ')})`).join(', ')}`;
  let batch: Row[] = [];
  let bytes = 0;
  let done = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    bytes = 0;
    let statement = statements.get(rows.length);
    if (!statement) {
      statement = target.db.prepare(insertSql(rows.length));
      // Only the full batch size is reused; the last, shorter one is prepared once.
      if (rows.length === maxRows) statements.set(rows.length, statement);
    }
    const values = rows.flatMap((row) => names.map((name) => row[name]));
    try {
      target.transaction(() => statement.run(...values));
    } catch {
      insertOneByOne(target, table, insertSql(1), names, rows);
    }
    done += rows.length;
    o.onRows?.(done, total);
  };
  const select = source.db.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.key.join(', ')}`);
  for (const raw of select.iterate()) {
    const row = o.shape(raw as Row);
    batch.push(row);
    for (const name of names) bytes += sizeOf(row[name]);
    if (batch.length >= maxRows || bytes >= BATCH_BYTES) flush();
  }
  flush();
  return done;
}

/**
 * After a refused batch: writes its rows one by one (each valid row is what the copy would
 * have written anyway) to name the first row the target refuses, and throws with it.
 */
function insertOneByOne(target: Store, table: CopiedTable, sql: string, names: readonly string[], rows: readonly Row[]): void {
  const one = target.db.prepare(sql);
  for (const row of rows) {
    try {
      target.transaction(() => one.run(...names.map((name) => row[name])));
    } catch (err) {
      throw new MigrationError('COPY_FAILED', `the target refused ${table.name} row ${keyText(table, row)}: ${(err as Error).message}`, { cause: err });
    }
  }
}

export function rowCount(store: Store, table: string): number {
  if (table === 'entries') return store.log.size();
  return Number(store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
}

export function bareName(column: string): string {
  return column.replace(/"/g, '');
}

/** A row's key as people read it, e.g. `(level=0, idx=41)`. */
export function keyText(table: CopiedTable, row: Row): string {
  return `(${table.key.map((k) => `${k}=${valueText(row[bareName(k)])}`).join(', ')})`;
}

export function valueText(value: unknown): string {
  if (value instanceof Uint8Array) return `x'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  return JSON.stringify(value) ?? String(value);
}

function sizeOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return value.length * 3;
  return 8;
}
