/**
 * Copies of the database file: an online, consistent backup taken with SQLite's backup API
 * (https://sqlite.org/backup.html) while the ledger keeps writing, and putting a checked copy in
 * place of a database without ever leaving a half-written file or a stale WAL next to it.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDb } from './db.js';
import { StoreError, asStoreError } from './errors.js';

/**
 * Pages per backup step: all of them. One step copies inside one read transaction, so the copy
 * is one snapshot; in WAL mode that read does not block the writer. Smaller steps would restart
 * from scratch whenever the ledger (another connection) commits in between, and under steady
 * load might never finish. (better-sqlite3 caps a step at 2^31 - 1 pages.)
 */
const ALL_PAGES = 0x7fffffff;

/** The files SQLite keeps beside a database in WAL mode; a stale one must never meet a new database. */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

export interface BackupSummary {
  file: string;
  bytes: number;
  /** entries in the copy */
  treeSize: number;
  /** size of the newest signed checkpoint in the copy (0 when none) */
  checkpointSize: number;
}

/**
 * Writes a consistent copy of `source` to `dest` (which must not exist): copied to a partial
 * file first, turned into one self-contained file (rollback journal, no `-wal` to carry along),
 * checked, fsynced, then renamed into place. A crash leaves either no `dest` or a whole one.
 */
export async function backupDatabase(source: SqliteDb, dest: string): Promise<BackupSummary> {
  if (existsSync(dest)) throw new StoreError('UNAVAILABLE', `backup target ${dest} already exists; choose a new file name`);
  const partial = `${dest}.partial`;
  removeDatabaseFiles(partial);
  try {
    await source.backup(partial, { progress: () => ALL_PAGES });
    const summary = finishCopy(partial);
    fsyncFile(partial);
    renameSync(partial, dest);
    fsyncFile(path.dirname(path.resolve(dest)));
    return { ...summary, file: dest, bytes: statSync(dest).size };
  } catch (err) {
    removeDatabaseFiles(partial);
    throw asStoreError(err, `cannot back up to ${dest}`);
  }
}

/** Makes the copy one file, checks SQLite's structure, and reads what it holds. */
function finishCopy(file: string): Omit<BackupSummary, 'file' | 'bytes'> {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreError('CORRUPT', `the backup copy failed SQLite's quick_check: ${String(check)}`);
    const treeSize = db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) FROM entries').pluck().get() as number;
    const checkpointSize = db.prepare('SELECT COALESCE(MAX(tree_size), 0) FROM checkpoints').pluck().get() as number;
    return { treeSize, checkpointSize };
  } finally {
    db.close();
  }
}

/**
 * Puts the database file `copy` in place of `target`. An existing target is kept, renamed with
 * `asideSuffix` together with its `-wal` and `-shm` (they belong to it: a stale WAL replayed into
 * the restored file would corrupt it); with no suffix an existing target is refused.
 */
export function installDatabaseFile(copy: string, target: string, asideSuffix?: string): { keptAs?: string } {
  let keptAs: string | undefined;
  const present = [target, ...SIDE_FILES.map((s) => target + s)].filter((f) => existsSync(f));
  if (present.length) {
    if (!asideSuffix) throw new StoreError('UNAVAILABLE', `${present[0]} already exists; refusing to replace it`);
    keptAs = `${target}${asideSuffix}`;
    for (const f of present) renameSync(f, `${keptAs}${f.slice(target.length)}`);
  }
  fsyncFile(copy);
  renameSync(copy, target);
  fsyncFile(path.dirname(path.resolve(target)));
  return keptAs ? { keptAs } : {};
}

/** Removes a database file and its side files, if present. */
export function removeDatabaseFiles(file: string): void {
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) rmSync(f, { force: true });
}

/** fsync a file or a folder (a rename is durable only once its folder is synced). */
function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
