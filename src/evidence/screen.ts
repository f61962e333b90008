/**
 * The one screen for every string the ledger stores (contract, "Secret screening, precisely
 * (version 1.1)"): record values and `details` member names at any depth, a token's `source`,
 * `Idempotency-Key` values, witness and policy names. An append-only log cannot forget, so what
 * this lets through stays in the file, its backups and every bundle handed out.
 *
 * Rules, in order: identifiers hide no control, bidi or zero-width characters; no well-known
 * secret format (secret-patterns.ts, matched with zero-width characters removed); fingerprint
 * fields hold digest forms; members named like secrets hold only digest forms and references
 * (secret-names.ts); `name=value` text assigns no secret to a secret-named key; no high-entropy
 * word that is no identifier form (secret-entropy.ts). A problem names the field, never the value.
 */
import type { FieldProblem } from './errors.js';
import { HAS_ZERO_WIDTH, ZERO_WIDTH, identifierProblem } from './identifiers.js';
import { problem } from './problems.js';
import { randomWord, randomWordIn } from './secret-entropy.js';
import { fingerprintValueProblem, nameKind, nameRules, secretFieldValueProblem } from './secret-names.js';
import { knownSecretFormat } from './secret-patterns.js';

/** Fields (dotted paths) held to the identifier rules. `details` holds none: its strings are the sender's own. */
export const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set([
  'controlId', 'system', 'actor.id', 'subject.id', 'requestedBy.id', 'approvedBy.id', 'ticket', 'credentialId',
  'sessionId', 'changeId', 'exceptionId', 'campaignId', 'environment', 'source', 'Idempotency-Key',
]);

export interface ScreenOptions {
  /** Hold the string to the identifier rules; by default, when `field` is one of IDENTIFIER_FIELDS. */
  identifier?: boolean;
  /** The string is a member name (a key of `details`), not a value. */
  memberName?: boolean;
}

/**
 * The one screen for a string the ledger stores: a problem naming `field` (a dotted path such
 * as `details.db.password`, or `source`, `Idempotency-Key`, `witness.name`), or undefined when
 * `value` may be kept forever. The value's own name is the last segment of `field` that is not
 * an array position; the one before is its parent (`credential.value` reads as a credential).
 */
export function screenStoredString(field: string, value: string, options: ScreenOptions = {}): FieldProblem | undefined {
  const names = field.split('.').filter((s) => !/^\d+$/.test(s));
  const name = options.memberName ? undefined : names.at(-1);
  const parent = options.memberName ? names.at(-1) : names.at(-2);
  const identifier = options.identifier ?? IDENTIFIER_FIELDS.has(field);
  const sentence = screenText(value, name, parent, identifier);
  return sentence === undefined ? undefined : problem(field, options.memberName ? `a member name ${sentence}` : sentence);
}

/**
 * The sentence ("looks like …", "contains …") for a string under `name` (undefined: a member name,
 * screened without a name of its own), or undefined when it passes. Used for every string of a record.
 */
export function screenText(value: string, name: string | undefined, parent: string | undefined, identifier: boolean): string | undefined {
  if (identifier) {
    const hidden = identifierProblem(value);
    if (hidden !== undefined) return hidden;
  }
  const text = HAS_ZERO_WIDTH.test(value) ? value.replace(ZERO_WIDTH, '') : value;
  const rules = name === undefined ? undefined : nameRules(name, parent);
  // The shortest known format (a URL with a password, `a://b:c@`) is 8 characters.
  const known = text.length < 8 ? undefined : knownSecretFormat(text, rules?.namesCredential ?? false);
  if (known !== undefined) return secretSentence(known);
  if (rules?.fingerprint) {
    const wrong = fingerprintValueProblem(text);
    return wrong === undefined ? undefined : `is ${wrong}; a fingerprint is a hash of a credential, never the credential`;
  }
  if (rules?.kind === 'secret') {
    const wrong = secretFieldValueProblem(text);
    if (wrong !== undefined) return secretSentence(wrong);
  }
  const assigned = secretAssignment(text);
  if (assigned !== undefined) return secretSentence(`a secret assigned to "${assigned}"`);
  const random = randomWordIn(text, rules?.kind === 'public');
  return random === undefined ? undefined : secretSentence(random);
}

function secretSentence(what: string): string {
  return `looks like ${what}; evidence must never carry secrets: send a fingerprint or a reference instead`;
}

/**
 * `name=value` (as in connection strings, query strings, env files) or `name: value` in text,
 * with a secret-named key and a value such a field may not hold: the key's name, else undefined.
 * A value after `: ` is held to less (prose says "password: reset by the help desk"): it must mix
 * three character classes to count.
 */
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_.-]{0,63})(=|:[ \t]+)["']?([^\s"'`,;&]+)/g;
const PLACEHOLDER = /^(?:\*+|x+|\.+|•+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\[?redacted\]?|null|none|true|false)$/i;

function secretAssignment(text: string): string | undefined {
  if (!text.includes('=') && !text.includes(': ')) return undefined;
  for (const [, key, sign, value] of text.matchAll(ASSIGNMENT)) {
    if (nameKind(key!) !== 'secret' || PLACEHOLDER.test(value!)) continue;
    if (sign === '=') {
      if (value!.length >= 6 && secretFieldValueProblem(value!) !== undefined) return key;
    } else if (value!.length >= 8 && characterClasses(value!) >= 3 && secretFieldValueProblem(value!) !== undefined) {
      return key;
    } else if (randomWord(value!) !== undefined) {
      return key;
    }
  }
  return undefined;
}

function characterClasses(text: string): number {
  return Number(/[A-Z]/.test(text)) + Number(/[a-z]/.test(text)) + Number(/[0-9]/.test(text)) + Number(/[^A-Za-z0-9]/.test(text));
}
