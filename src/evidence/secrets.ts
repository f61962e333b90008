/**
 * Secret detection over a whole record (contract, "Evidence records" and "Secret screening,
 * precisely (version 1.1)"): every string value and every `details` member name goes through the
 * one screen (screen.ts), with its field's name, so the same rules hold for records, token
 * sources, idempotency keys and witness names. The problem names the field but never repeats
 * the value.
 */
import type { FieldProblem } from './errors.js';
import { fieldPath, problem } from './problems.js';
import { IDENTIFIER_FIELDS, screenText } from './screen.js';

/** One problem per field that holds something that looks like a secret; empty when none does. */
export function findSecrets(record: unknown): FieldProblem[] {
  const found: FieldProblem[] = [];
  scan(record, [], undefined, undefined, found);
  return found;
}

function scan(value: unknown, path: string[], name: string | undefined, parentName: string | undefined, found: FieldProblem[]): void {
  if (typeof value === 'string') {
    const identifier = path.length <= 2 && path[0] !== 'details' && IDENTIFIER_FIELDS.has(path.join('.'));
    const what = screenText(value, name, parentName, identifier);
    if (what !== undefined) found.push(problem(fieldPath(path), what));
    return;
  }
  if (Array.isArray(value)) {
    // Items are read under their array's name: `tokens: [...]` holds tokens.
    value.forEach((item, i) => scan(item, [...path, String(i)], name, parentName, found));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, member] of Object.entries(value)) {
    const inName = screenText(key, undefined, name, false);
    // Named by the enclosing object: the member's own path would repeat the secret.
    if (inName !== undefined) found.push(problem(fieldPath(path), `a member name ${inName}`));
    else scan(member, [...path, key], key, name, found);
  }
}
