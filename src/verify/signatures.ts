/**
 * Signed submissions, checked offline (README, "Signed submissions"). Entries are seen in index
 * order; a source-key registration (a `change` entry the ledger made, access-records.ts) says
 * that from the next entry on, that source's records carry `signature`, an Ed25519 signature
 * (RFC 8032) over the UTF-8 of the record's RFC 8785 canonical JSON, under the registered key.
 * A signature is checked when the registration of its key is among the entries seen; an
 * unsigned entry is reported when its source's registration was seen before it. Pure.
 */
import type { Crypto } from '../crypto/types.js';
import { fromBase64 } from '../crypto/bytes.js';
import { canonicalBytes, type EntryEnvelope } from '../evidence/index.js';
import { sourceKeyRegistration } from '../evidence/access-records.js';
import { problem, type Problem } from './report.js';

export interface SignatureCounts {
  /** Entries whose signature verified under the registered key. */
  verified: number;
  /** Signed entries whose key's registration is not among the entries verified (it lies before them). */
  unchecked: number;
}

export class SignatureTracker {
  private readonly keys = new Map<string, Uint8Array>();
  readonly counts: SignatureCounts = { verified: 0, unchecked: 0 };

  constructor(private readonly c: Crypto) {}

  /** The problems of `entry`'s signature (or its absence); then learns any registration it makes. */
  observe(entry: EntryEnvelope): Problem[] {
    const problems: Problem[] = [];
    const key = this.keys.get(entry.source);
    if (entry.signature !== undefined) {
      const sig = fromBase64(entry.signature);
      if (key === undefined) this.counts.unchecked++;
      else if (sig?.length === 64 && this.c.ed25519Verify(key, canonicalBytes(entry.record), sig)) this.counts.verified++;
      else problems.push(problem('BAD_SIGNATURE', `the record's signature does not verify under the key source ${entry.source} registered`));
    } else if (key !== undefined) {
      problems.push(problem('UNSIGNED_ENTRY', `source ${entry.source} registered a signing key before this entry, but the entry is not signed`));
    }
    const registration = sourceKeyRegistration(entry);
    if (registration) this.keys.set(registration.source, registration.publicKey);
    return problems;
  }
}
