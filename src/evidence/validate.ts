/**
 * The one gate a posted record goes through: the version 1 schema, then the secret scan.
 * Every problem names its field, so the HTTP layer can answer 400 with all of them at once.
 */
import type { FieldProblem } from './errors.js';
import { problemsFromIssues } from './problems.js';
import { evidenceRecordSchema, type EvidenceRecord } from './record.js';
import { findSecrets } from './secrets.js';

export type RecordValidation = { ok: true; record: EvidenceRecord } | { ok: false; problems: FieldProblem[] };

export function validateRecord(input: unknown): RecordValidation {
  const parsed = evidenceRecordSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues) };
  const secrets = findSecrets(parsed.data);
  if (secrets.length > 0) return { ok: false, problems: secrets };
  return { ok: true, record: parsed.data };
}
