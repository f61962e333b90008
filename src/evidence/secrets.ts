/**
 * Secret detection (contract, "Evidence records": a value that looks like a secret is
 * rejected, naming the field). Evidence is kept forever and shown to auditors, so a leaked
 * credential in it could never be taken back. Two rules, documented where they live:
 *
 * 1. `secret-patterns.ts`: well-known formats (PEM and bare base64 private keys, AWS access
 *    key ids, GitHub, Slack, Stripe and Google keys, JWTs, URLs with a password) in ANY
 *    string, member names included.
 * 2. `secret-names.ts`: a long high-entropy value in a field named like a secret
 *    (`password`, `token`, `client_secret`, `credential.value`, ...), at any depth.
 *
 * Not secrets: fingerprints (`sha256:<hex>`), ids like `akid-7f3c`, ARNs, SPIFFE ids,
 * tickets. The problem names the field but never repeats the value.
 */
import type { FieldProblem } from './errors.js';
import { fieldPath, problem } from './problems.js';
import { knownSecretFormat } from './secret-patterns.js';
import { isSecretName, secretInSecretField } from './secret-names.js';

/** One problem per field that holds something that looks like a secret; empty when none does. */
export function findSecrets(record: unknown): FieldProblem[] {
  const found: FieldProblem[] = [];
  scan(record, [], undefined, undefined, found);
  return found;
}

function scan(value: unknown, path: string[], name: string | undefined, parentName: string | undefined, found: FieldProblem[]): void {
  if (typeof value === 'string') {
    const what = knownSecretFormat(value) ?? (name !== undefined && isSecretName(name, parentName) ? secretInSecretField(value) : undefined);
    if (what !== undefined) found.push(secretProblem(path, what));
    return;
  }
  if (Array.isArray(value)) {
    // Items are read under their array's name: `tokens: [...]` holds tokens.
    value.forEach((item, i) => scan(item, [...path, String(i)], name, parentName, found));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, member] of Object.entries(value)) {
    const inName = knownSecretFormat(key);
    // Named by the enclosing object: the member's own path would repeat the secret.
    if (inName !== undefined) found.push(secretProblem(path, `${inName} (as a member name)`));
    else scan(member, [...path, key], key, name, found);
  }
}

function secretProblem(path: string[], what: string): FieldProblem {
  return problem(
    fieldPath(path),
    `looks like ${what}; evidence must never carry secrets: send a fingerprint or a reference instead`,
  );
}
