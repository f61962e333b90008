/**
 * The one gate a posted record goes through: the version 1 schema, then the secret scan.
 * Every problem names its field, so the HTTP layer can answer 400 with all of them at once.
 */
import { canonicalJson } from './canonical.js';
import type { FieldProblem } from './errors.js';
import { problemsFromIssues } from './problems.js';
import { evidenceRecordSchema, type EvidenceRecord } from './record.js';
import { findSecrets } from './secrets.js';

/**
 * Records this module validated, frozen so they cannot change afterwards: `encodeLeaf` need not
 * run the schema over them a second time (it still checks everything else it is given). A
 * record validated on another thread is adopted with its canonical JSON, which is kept here too.
 */
const validated = new WeakSet<object>();
const canonicalTexts = new WeakMap<object, string>();

/** True for a record that came out of {@link validateRecord} or was adopted (so it is valid and frozen). */
export function isValidatedRecord(record: unknown): boolean {
  return typeof record === 'object' && record !== null && validated.has(record);
}

/** The RFC 8785 text computed when the record was prepared, if it was. */
export function preparedCanonicalJson(record: EvidenceRecord): string | undefined {
  return canonicalTexts.get(record);
}

/** canonicalJson(record), reusing the text computed when it was prepared. */
export function recordCanonicalJson(record: EvidenceRecord): string {
  return canonicalTexts.get(record) ?? canonicalJson(record);
}

/**
 * Vouches for a record that `validateRecord` accepted on another thread of this process (a
 * structured clone of its result) and for `canonical`, its canonicalJson there. Only the
 * ledger's own preparation pool may call this: the record is not checked again.
 */
export function adoptValidatedRecord(record: EvidenceRecord, canonical: string): void {
  validated.add(deepFreeze(record));
  canonicalTexts.set(record, canonical);
}

export type RecordValidation = { ok: true; record: EvidenceRecord } | { ok: false; problems: FieldProblem[] };

export function validateRecord(input: unknown): RecordValidation {
  const parsed = evidenceRecordSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues) };
  const secrets = findSecrets(parsed.data);
  if (secrets.length > 0) return { ok: false, problems: secrets };
  validated.add(deepFreeze(parsed.data));
  return { ok: true, record: parsed.data };
}

/** Freezes a JSON value and everything in it (zod's output is fresh objects, never shared). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
