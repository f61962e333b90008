/** Why `ledger migrate` stopped: typed, with a stable code the command prints and tests match. */
export type MigrationErrorCode =
  | 'SOURCE_SCHEMA' // the source was written by another version of the ledger (its migrations differ)
  | 'UNKNOWN_TABLE' // a table this code does not know how to copy: refusing beats leaving it behind
  | 'TARGET_NOT_EMPTY' // the target already holds a log (or part of one): never touched
  | 'COPY_FAILED' // the target refused a row (its triggers hold the same rules as the source's)
  | 'COPY_DIFFERS' // a row read back from the target is not the source's
  | 'AUDIT_FAILED'; // the full audit does not pass on the target

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
