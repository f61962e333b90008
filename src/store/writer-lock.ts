/**
 * The writer lock: at most one process writes a ledger database, so there is never a second
 * sequencer handing out the same index or signing a second, diverging checkpoint.
 *
 * The lock is an exclusive SQLite lock (POSIX `fcntl`, taken by SQLite's unix VFS) on a small
 * side file `<db>.writer-lock`, held for as long as the store is open. The kernel drops an
 * `fcntl` lock when its process dies, however it dies, so a SIGKILLed ledger never leaves a stale
 * lock behind and no pid guessing is needed (a pid file can outlive its process, and in a
 * container the restarted ledger often gets the same pid back). The main database cannot carry
 * this lock itself: WAL mode must keep readers (audit, backup) running next to the writer.
 *
 * The holder writes its pid into the side file's header `user_version` field (offset 60,
 * https://sqlite.org/fileformat.html §1.3), so a refused process can name the holder.
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors.js';

export const WRITER_LOCK_SUFFIX = '.writer-lock';
/** Offset and width of the `user_version` field in a SQLite database header. */
const USER_VERSION_OFFSET = 60;
const USER_VERSION_BYTES = 4;

/**
 * Lock files held by this process. POSIX locks are per process: SQLite tells two connections of
 * one process apart by itself, but a plain `open`/`close` of a locked file by this process would
 * silently drop its lock, so a holder's own file is never read directly.
 */
const heldHere = new Set<string>();

export function writerLockPath(dbFile: string): string {
  return `${dbFile}${WRITER_LOCK_SUFFIX}`;
}

export class WriterLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly key: string,
    private readonly db: Database.Database,
  ) {}

  /**
   * Takes the writer lock for `dbFile` (whose folder must exist), or throws
   * `LOCKED_BY_OTHER_WRITER` at once, without waiting, when another ledger holds it.
   */
  static acquire(dbFile: string): WriterLock {
    const file = writerLockPath(dbFile);
    const key = path.join(realpathSync(path.dirname(path.resolve(file))), path.basename(file));
    if (heldHere.has(key)) throw lockedError(dbFile, file, `this process (pid ${process.pid})`);
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (err) {
      throw new StoreError('UNAVAILABLE', `cannot create the writer lock ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      db.pragma('busy_timeout = 0');
      // EXCLUSIVE locking mode keeps the lock taken by the first write until the connection closes.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma(`user_version = ${process.pid}`);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw lockedError(dbFile, file, holderOf(file));
      throw new StoreError('UNAVAILABLE', `cannot take the writer lock ${file}: ${(err as Error).message}`, { cause: err });
    }
    heldHere.add(key);
    return new WriterLock(file, key, db);
  }

  /** Gives the lock up (closing the connection drops the fcntl lock). Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.key);
    this.db.close();
  }
}

function lockedError(dbFile: string, lockFile: string, holder: string): StoreError {
  return new StoreError(
    'LOCKED_BY_OTHER_WRITER',
    `another ledger process (${holder}) is already writing ${dbFile} (it holds ${lockFile}); ` +
      'a log has exactly one writer: stop that process first, or point this one at a different database',
  );
}

/** The pid a holder wrote into the lock file's header; only called when this process holds no lock on it. */
function holderOf(lockFile: string): string {
  try {
    const fd = openSync(lockFile, 'r');
    try {
      const header = Buffer.alloc(USER_VERSION_OFFSET + USER_VERSION_BYTES);
      readSync(fd, header, 0, header.length, 0);
      const pid = header.readUInt32BE(USER_VERSION_OFFSET);
      return pid ? `pid ${pid}` : 'pid unknown';
    } finally {
      closeSync(fd);
    }
  } catch {
    return 'pid unknown';
  }
}
