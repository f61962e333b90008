/** Opens the ledger's SQLite file with the durability settings an acknowledged write relies on. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreError, asStoreError } from './errors.js';

import type { SqlDb } from './sql.js';

/** What the stores are written against: SQLite here, or PostgreSQL (pg/pg-db.ts). */
export type Db = SqlDb;
/** A better-sqlite3 connection, for what only SQLite has (pragmas, online backup). */
export type SqliteDb = Database.Database;

// How long a statement waits for a lock held by someone else before failing (SQLITE_BUSY ->
// 503). The writer never waits on its own readers (WAL), and better-sqlite3 waits on the event
// loop's thread, so a long wait would freeze every request, health checks included.
const BUSY_TIMEOUT_MS = 1_000;
// PRAGMA synchronous value for FULL (https://sqlite.org/pragma.html#pragma_synchronous).
const SYNCHRONOUS_FULL = 2;
/**
 * SQLite's page cache per connection, in KiB (a negative cache_size, https://sqlite.org/pragma.html#pragma_cache_size).
 * The 2 MiB default is far below the index pages one append touches, so most inserts paid a read
 * syscall; 64 MiB holds the hot part of every index and stays the same however large the log grows.
 */
const CACHE_SIZE_KIB = 64 * 1024;
/**
 * WAL pages before a commit copies them back into the database (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint;
 * default 1000 pages, 4 MiB). An index page dirtied by many commits is written back once per
 * checkpoint, so fewer checkpoints mean fewer writes; 40 MiB of WAL still replays in well under a second.
 */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
// A write probe waits this long for a lock, no more: it runs on the event loop, and a lock held
// elsewhere is exactly what it is there to report.
const PROBE_BUSY_TIMEOUT_MS = 100;

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * WAL with synchronous=FULL: every COMMIT is fsynced before it returns, so an acknowledged
 * entry survives power loss. better-sqlite3 reopens an existing WAL database at NORMAL,
 * so FULL is set on every open and then read back.
 */
export function openDatabase(file: string, options: OpenOptions = {}): SqliteDb {
  if (file !== ':memory:' && !options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: SqliteDb;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw asStoreError(err, `cannot open database ${file}`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (file !== ':memory:' && mode !== 'wal') {
        throw new StoreError('NOT_DURABLE', `database ${file} refused WAL mode (got ${String(mode)})`);
      }
      db.pragma('synchronous = FULL');
      if (db.pragma('synchronous', { simple: true }) !== SYNCHRONOUS_FULL) {
        throw new StoreError('NOT_DURABLE', `database ${file} refused synchronous=FULL`);
      }
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      // A redaction must leave no copy of the removed leaf in the file: freed cells and pages are
      // overwritten with zeros (https://sqlite.org/pragma.html#pragma_secure_delete). The append
      // path deletes nothing, so it costs nothing there.
      db.pragma('secure_delete = ON');
    }
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    // REPLACE conflict resolution only fires DELETE triggers with recursive_triggers on;
    // without it INSERT OR REPLACE could silently overwrite an append-only row.
    db.pragma('recursive_triggers = ON');
    // Fail fast on a file that is not a database or is corrupt at the header.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    db.close();
    throw asStoreError(err, `cannot use database ${file}`);
  }
  return db;
}

/**
 * Proves the database can commit right now (file writable, space for a WAL frame, write lock
 * free) by committing one write that changes nothing: the header's `user_version` (free for
 * application use, https://sqlite.org/pragma.html#pragma_user_version), rewritten unchanged.
 * A commit is the only honest test: SQLite may hold a rolled-back write in memory and never
 * touch the disk. Throws a StoreError (`UNAVAILABLE`, `CORRUPT`) saying why not.
 */
export function probeWritable(db: SqliteDb): void {
  try {
    db.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
    db.transaction(() => {
      const version = Number(db.pragma('user_version', { simple: true }));
      db.pragma(`user_version = ${version}`);
    }).immediate();
  } catch (err) {
    throw asStoreError(err, 'the database cannot commit');
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
