/** Typed errors of the evidence module, with stable codes a caller can switch on. */

/** One thing wrong with one field. `field` is a dotted path (`actor.kind`, `details.a.b`), `''` for the whole value. */
export interface FieldProblem {
  field: string;
  /** A sentence for a human that starts with the field, e.g. `actor.kind: expected one of human, workload, ...`. */
  message: string;
}

export type EvidenceErrorCode =
  | 'INVALID_RECORD' // the record breaks the version 1 schema or carries a secret; see `problems`
  | 'INVALID_ENVELOPE' // an envelope member (v, index, prev, receivedAt, source) is wrong; see `problems`
  | 'NOT_JSON' // a value JSON cannot carry: NaN, Infinity, a cycle, a function, a bigint
  | 'LONE_SURROGATE' // a string holds half of a UTF-16 surrogate pair, which no UTF-8 can encode
  | 'INVALID_UTF8' // leaf bytes that are not well-formed UTF-8
  | 'INVALID_JSON' // leaf bytes that are UTF-8 but not JSON
  | 'NOT_CANONICAL' // leaf bytes that are JSON but not their own RFC 8785 canonical form
  | 'INVALID_TIMESTAMP' // a time that RFC 3339 with a four-digit year cannot express
  | 'LEAF_TOO_LARGE'; // an envelope whose leaf would exceed MAX_LEAF_BYTES (leaf-limit.ts)

export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';
  constructor(
    readonly code: EvidenceErrorCode,
    message: string,
    readonly problems?: FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
