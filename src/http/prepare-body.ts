/**
 * Turns the bytes of a POST /v1/entries or /v1/entries/batch body into validated records, each
 * with its RFC 8785 canonical JSON: the per-record work of an append that needs no ledger state.
 * Pure, so it runs unchanged on the request's thread or in a worker (prepare-pool.ts); a
 * problem is returned as plain data (it crosses threads) and becomes an HttpProblem on arrival.
 */
import { canonicalJson, validateRecord, type EvidenceRecord } from '../evidence/index.js';
import { parseStrictJson } from './json-body.js';
import { HttpProblem, badRequest, type FieldError } from './problem.js';

/** The contract's batch bound: 1 to 1,000 records, all or none. */
export const MAX_BATCH_RECORDS = 1000;

export type BodyKind = 'entry' | 'batch';

export interface PreparedRecord {
  record: EvidenceRecord;
  /** canonicalJson(record), computed once here and spliced into the leaf by encodeLeaf */
  canonical: string;
}

export interface BodyProblem {
  status: number;
  detail: string;
  field?: string;
  errors?: FieldError[];
}

export type PreparedBody = { ok: true; records: PreparedRecord[] } | { ok: false; problem: BodyProblem };

/** `raw` undefined: the request had no body (the record is then missing, a 400 like any other). */
export function prepareBody(raw: Uint8Array | undefined, kind: BodyKind): PreparedBody {
  try {
    const body = raw === undefined ? undefined : parseStrictJson(raw);
    const inputs = kind === 'entry' ? [body] : batchRecords(body);
    const prefix = (i: number) => (kind === 'entry' ? '' : `records.${i}.`);
    return { ok: true, records: inputs.map((input, i) => prepareRecord(input, prefix(i))) };
  } catch (err) {
    if (err instanceof HttpProblem) return { ok: false, problem: toBodyProblem(err) };
    throw err;
  }
}

/** The problem as an HttpProblem again, once it is back on the request's thread. */
export function problemFromBody(p: BodyProblem): HttpProblem {
  return new HttpProblem(p.status, p.detail, { field: p.field, errors: p.errors });
}

function batchRecords(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('body must be {"records": [...]}', '');
  const extra = Object.keys(body).filter((k) => k !== 'records');
  if (extra.length) throw badRequest(`unknown field ${extra[0]}`, extra[0]);
  const records = (body as { records?: unknown }).records;
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_BATCH_RECORDS) {
    throw badRequest(`records must be an array of 1 to ${MAX_BATCH_RECORDS} evidence records`, 'records');
  }
  return records;
}

function prepareRecord(input: unknown, prefix: string): PreparedRecord {
  const result = validateRecord(input);
  if (!result.ok) {
    // A problem with the whole record (field '') is at `records.<i>`, not `records.<i>.`.
    const errors = result.problems.map((p) => ({ field: p.field === '' ? prefix.replace(/\.$/, '') : prefix + p.field, message: p.message }));
    const first = errors[0]!;
    throw badRequest(`invalid evidence record: ${first.message}`, first.field, errors);
  }
  return { record: result.record, canonical: canonicalJson(result.record) };
}

function toBodyProblem(p: HttpProblem): BodyProblem {
  return {
    status: p.status,
    detail: p.detail,
    ...(p.field !== undefined ? { field: p.field } : {}),
    ...(p.errors !== undefined ? { errors: p.errors } : {}),
  };
}
