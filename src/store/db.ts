/** Opens the ledger's SQLite file with the durability settings an acknowledged write relies on. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreError, asStoreError } from './errors.js';

export type Db = Database.Database;

// How long a statement waits for a lock held by a reader/backup before failing (SQLITE_BUSY).
const BUSY_TIMEOUT_MS = 5_000;
// PRAGMA synchronous value for FULL (https://sqlite.org/pragma.html#pragma_synchronous).
const SYNCHRONOUS_FULL = 2;

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * WAL with synchronous=FULL: every COMMIT is fsynced before it returns, so an acknowledged
 * entry survives power loss. better-sqlite3 reopens an existing WAL database at NORMAL,
 * so FULL is set on every open and then read back.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:' && !options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
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
    }
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
