/**
 * Typed ledger errors. The HTTP layer maps each code to one answer in one place;
 * callers switch on `code`, never on messages.
 */
export type LedgerErrorCode =
  | 'QUEUE_FULL' // back-pressure: answer 503 with Retry-After, nothing was queued
  | 'IDEMPOTENCY_CONFLICT' // same Idempotency-Key, different request: 409
  | 'INVALID_ENTRY' // a record that cannot be encoded as a leaf: 400
  | 'NOT_FOUND' // no such entry, checkpoint or leaf hash: 404
  | 'OUT_OF_RANGE' // a size or index outside what is signed: 400
  | 'NO_CHECKPOINT' // nothing signed yet: proofs cannot be served (400)
  | 'SIGNING_HALTED' // the ledger refused to sign an inconsistent checkpoint: 503
  | 'KEY_MISMATCH' // configured key or origin differs from the one the database records
  | 'PERIOD_OPEN' // a reporting period that has not been closed yet (or has not ended): 409
  | 'FISCAL_START_MISMATCH' // configured fiscal year start differs from the one the closes used
  | 'SIGNATURE_REQUIRED' // the source registered a signing key; its records need signatures: 400
  | 'SIGNATURE_INVALID' // a record's signature does not verify under the source's key: 400
  | 'CLOSED' // the ledger is shutting down: 503
  | 'REDACTION_CONFLICT' // redacting a redaction entry or a redacted one, or approving twice: 409
  | 'REDACTED' // the entry's leaf bytes were removed by a redaction: 410
  | 'NOT_LEADER'; // this instance is not the sequencer (a follower, or leadership was lost): 503, retry or go to the leader

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A write reached an instance that is not the sequencer. `leader` is the URL the current leader
 * advertised (LEDGER_ADVERTISE_URL), when one is known: the answer's `leader` member.
 */
export class NotLeaderError extends LedgerError {
  constructor(
    message: string,
    readonly leader?: string,
  ) {
    super('NOT_LEADER', message);
  }
}
