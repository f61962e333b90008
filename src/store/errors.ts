/** Typed storage errors. `UNAVAILABLE` means "try again later" (HTTP 503 with Retry-After). */
export type StoreErrorCode =
  | 'SCHEMA_TOO_NEW' // the database was written by a newer version of the ledger
  | 'NOT_DURABLE' // the database refused WAL + synchronous=FULL
  | 'UNAVAILABLE' // disk full, read-only, locked, I/O error: nothing was written
  | 'CORRUPT' // SQLite reports a malformed database file
  | 'LOCKED_BY_OTHER_WRITER' // another ledger process holds the writer lock
  | 'NOT_LEADER'; // PostgreSQL: this instance is not (or no longer) the sequencer, so it writes nothing

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// SQLite result codes (https://sqlite.org/rescode.html) that mean the environment, not the
// caller, is at fault and that a later retry may succeed.
const TRANSIENT = /^SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL)/;

/** Wraps a better-sqlite3 error in a StoreError when it is environmental; rethrows the rest. */
export function asStoreError(err: unknown, what: string): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return err;
  if (TRANSIENT.test(code)) return new StoreError('UNAVAILABLE', `${what}: ${code}`, { cause: err });
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('CORRUPT', `${what}: ${code}`, { cause: err });
  }
  return err;
}
