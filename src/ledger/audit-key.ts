/**
 * Which verifier key the audit checks signatures with. The database records its log's key in
 * `meta.verifier_key`, but a database copy is exactly what an attacker may have rewritten:
 * an auditor SHOULD pass the published key (`--key`), and a key that differs from the
 * recorded one is a finding. Without `--key` the recorded key is used, and the report says so.
 */
import type { Crypto } from '../crypto/types.js';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '../note/index.js';
import type { Store } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

/** Meta keys the ledger writes on first open (see ledger.ts). */
export const META_VERIFIER_KEY = 'verifier_key';
export const META_ORIGIN = 'origin';

export type KeySource = 'option' | 'database' | 'none';

export interface AuditKey {
  /** Undefined only when no usable key exists: signatures then cannot be checked. */
  key: VerifierKey | undefined;
  /** The key in C2SP verifier-key form, as it was used. */
  verifierKey: string | undefined;
  source: KeySource;
}

export function resolveAuditKey(c: Crypto, store: Store, given: VerifierKey | undefined, findings: FindingLog): AuditKey {
  const recordedText = store.meta(META_VERIFIER_KEY);
  let recorded: VerifierKey | undefined;
  if (recordedText !== undefined) {
    try {
      recorded = parseVerifierKey(c, recordedText);
    } catch (err) {
      findings.add({ code: 'KEY_MISSING', message: `meta ${META_VERIFIER_KEY} is not a verifier key: ${(err as Error).message}` });
    }
  }
  const key = given ?? recorded;
  if (given && recordedText !== undefined && formatVerifierKey(given) !== recordedText) {
    findings.add({
      code: 'KEY_MISMATCH',
      message: `the database records verifier key ${recordedText}, not the given ${formatVerifierKey(given)}`,
    });
  }
  if (recordedText === undefined) {
    findings.add({
      code: 'KEY_MISSING',
      message: given
        ? `the database records no ${META_VERIFIER_KEY}; checking against the given key`
        : `the database records no ${META_VERIFIER_KEY} and no --key was given: signatures cannot be checked`,
    });
  }
  const origin = store.meta(META_ORIGIN);
  if (key && origin !== key.name) {
    findings.add({
      code: 'KEY_MISMATCH',
      message: `the database records origin ${JSON.stringify(origin ?? null)} but the key is named ${JSON.stringify(key.name)}`,
    });
  }
  return {
    key,
    verifierKey: key && formatVerifierKey(key),
    source: given ? 'option' : key ? 'database' : 'none',
  };
}
