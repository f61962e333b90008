/**
 * `verifyBundle`: the whole-bundle entry point for a bundle already parsed from JSON.
 * Uses only the bundle and the verifier key the auditor trusts, never the current time.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import type { VerifierKey } from '../note/index.js';
import { BundleVerifier, type VerifyOptions } from './bundle-verifier.js';
import { problem, type BundleReport, type EntryVerdict } from './report.js';

/** Called after each entry with the number checked and the total. */
export type ProgressCallback = (done: number, total: number) => void;

export function verifyBundle(
  c: Crypto = nobleCrypto,
  bundle: unknown,
  verifierKey: string | VerifierKey,
  onProgress?: ProgressCallback,
  options: VerifyOptions = {},
): BundleReport {
  const verifier = new BundleVerifier(c, bundle, verifierKey, options);
  const raw = typeof bundle === 'object' && bundle !== null ? (bundle as { entries?: unknown }).entries : undefined;
  const entries: unknown[] = Array.isArray(raw) ? raw : [];
  if (!Array.isArray(raw) && typeof bundle === 'object' && bundle !== null) {
    verifier.fail(problem('BAD_SHAPE', 'entries must be an array'));
  }
  const verdicts: EntryVerdict[] = [];
  for (const entry of entries) {
    verdicts.push(verifier.entry(entry));
    onProgress?.(verdicts.length, entries.length);
  }
  return { ...verifier.finish(), entries: verdicts };
}
