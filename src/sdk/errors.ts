/** What the SDK throws: every error says what to do next through its class and fields. */

/** RFC 9457 problem details, as the ledger answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  field?: string;
  errors?: { field: string; message: string }[];
  /** On a `not-leader` answer: the URL the leader advertised, when it set one. */
  leader?: string;
}

/** The ledger answered with an error that retrying will not fix (or retries ran out). */
export class LedgerApiError extends Error {
  override readonly name = 'LedgerApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly attempts: number,
  ) {
    super(problem ? `${status} ${problem.title}: ${problem.detail}${problem.field ? ` (field ${problem.field})` : ''}` : `HTTP ${status}`);
  }
}

/** No answer after every attempt (connection refused, reset, timeout). */
export class LedgerNetworkError extends Error {
  override readonly name = 'LedgerNetworkError';
  constructor(message: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A record the ledger would refuse, found before sending: the problems name the fields. */
export class RecordInvalidError extends Error {
  override readonly name = 'RecordInvalidError';
  constructor(readonly problems: { field: string; message: string }[], readonly position?: number) {
    super(`invalid evidence record${position === undefined ? '' : ` #${position}`}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

export type ReceiptErrorCode =
  | 'RECORD_MISMATCH'
  | 'LEAF_MISMATCH'
  | 'LEAF_HASH_MISMATCH'
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_TIMEOUT'
  | 'INCLUSION_INVALID';

/** The receipt does not prove what it should: do not treat the evidence as recorded. */
export class ReceiptError extends Error {
  override readonly name = 'ReceiptError';
  constructor(readonly code: ReceiptErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
