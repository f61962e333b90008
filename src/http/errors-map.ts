/** Turns domain errors (ledger, store, evidence) into HTTP problems: the one mapping table. */
import { LedgerError, NotLeaderError, type LedgerErrorCode } from '../ledger/errors.js';
import { StoreError } from '../store/index.js';
import { HttpProblem, type ProblemMapper } from './problem.js';

/** Seconds a client should wait before retrying a 503: one group-commit/checkpoint cycle is far less. */
const RETRY_AFTER_SECONDS = 1;

const LEDGER_STATUS: Record<LedgerErrorCode, number> = {
  QUEUE_FULL: 503,
  IDEMPOTENCY_CONFLICT: 409,
  INVALID_ENTRY: 400,
  NOT_FOUND: 404,
  OUT_OF_RANGE: 400,
  NO_CHECKPOINT: 400,
  SIGNING_HALTED: 503,
  KEY_MISMATCH: 500,
  PERIOD_OPEN: 409,
  FISCAL_START_MISMATCH: 500,
  SIGNATURE_REQUIRED: 400,
  SIGNATURE_INVALID: 400,
  CLOSED: 503,
  REDACTION_CONFLICT: 409,
  REDACTED: 410,
  NOT_LEADER: 503,
};

/** The problem type of a write that reached an instance which is not the sequencer. */
const NOT_LEADER_TYPE = 'urn:evidence-ledger:problem:not-leader';

export const mapDomainError: ProblemMapper = (err) => {
  if (err instanceof LedgerError) {
    const status = LEDGER_STATUS[err.code];
    return new HttpProblem(status, err.message, {
      ...(err.field ? { field: err.field } : {}),
      ...(status === 503 ? { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } : {}),
      type: `urn:evidence-ledger:problem:${err.code.toLowerCase().replaceAll('_', '-')}`,
      // Where the writes go (RFC 9457 §3.2 extension member), when the leader advertised a URL.
      ...(err instanceof NotLeaderError && err.leader ? { members: { leader: err.leader } } : {}),
    });
  }
  if (err instanceof StoreError && err.code === 'NOT_LEADER') {
    // A commit the store fenced off: a newer term leads. Nothing was written.
    return new HttpProblem(503, `${err.message}; nothing was stored, retry after Retry-After`, {
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      type: NOT_LEADER_TYPE,
    });
  }
  if (err instanceof StoreError && err.code === 'UNAVAILABLE') {
    // Nothing was acknowledged: the transaction rolled back. The cause may clear (disk space, lock).
    return new HttpProblem(503, 'the ledger cannot write right now; nothing was stored, retry later', {
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      type: 'urn:evidence-ledger:problem:storage-unavailable',
    });
  }
  return undefined;
};
