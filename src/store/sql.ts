/**
 * What the stores need of a SQL database: the part of better-sqlite3's API they use, which a
 * better-sqlite3 Database satisfies as it is and the PostgreSQL store (pg/pg-db.ts) implements.
 * Statements are written once where both dialects read them alike, and per dialect where not.
 */
export interface SqlStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  /** Streams rows; PostgreSQL reads them through a cursor, a page at a time. */
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Rows become their first column's value. */
  pluck(toggle?: boolean): this;
}

export interface SqlTransaction<T> {
  /** A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: fenced, see pg-worker.ts). */
  immediate(): T;
  /** A read transaction: every read sees one snapshot. */
  deferred(): T;
}

export interface SqlDb {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  transaction<T>(fn: () => T): SqlTransaction<T>;
  readonly open: boolean;
  /** The file (SQLite) or the database URL without its password (PostgreSQL). */
  readonly name: string;
  close(): unknown;
}

export type Dialect = 'sqlite' | 'postgres';

/** The database's dialect: PostgreSQL stores say so; a better-sqlite3 Database does not. */
export function dialectOf(db: SqlDb): Dialect {
  return (db as { dialect?: Dialect }).dialect ?? 'sqlite';
}

/** The statement text for `db`'s dialect. */
export function forDialect(db: SqlDb, sql: Readonly<Record<Dialect, string>>): string {
  return sql[dialectOf(db)];
}

/** Whether `table` exists (an old database opened read-only may lack the newer ones). */
export function hasTable(db: SqlDb, table: string): boolean {
  const sql = forDialect(db, {
    sqlite: "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
    postgres: 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?',
  });
  return db.prepare(sql).get(table) !== undefined;
}

/**
 * A search value as the dialect stores it in entry_search.value: SQLite keeps strings as TEXT
 * and the leaf hash as a BLOB in one untyped column; PostgreSQL's column is BYTEA, so strings are
 * stored as their UTF-8 bytes (migrations/postgres, search index).
 */
export function storedSearchValue(db: SqlDb, value: unknown): unknown {
  return typeof value === 'string' && dialectOf(db) === 'postgres' ? Buffer.from(value, 'utf8') : value;
}
