/** What an Idempotency-Key is bound to: the request's records as JSON values (RFC 8785 canonical). */
import type { Crypto } from '../crypto/types.js';
import { utf8 } from '../crypto/bytes.js';
import { recordCanonicalJson, type EvidenceRecord } from '../evidence/index.js';

/**
 * SHA-256 of canonicalJson({kind, record}) for one record, canonicalJson({kind, records}) for a
 * batch, built around each record's canonical text (already computed when it was prepared):
 * "kind" sorts before "record" and "records" (RFC 8785 §3.2.3), and `kind` is a fixed word.
 */
export function requestHash(c: Crypto, kind: 'entry' | 'batch', records: EvidenceRecord[]): Uint8Array {
  const texts = records.map(recordCanonicalJson);
  const text = kind === 'entry' ? `{"kind":"entry","record":${texts[0]}}` : `{"kind":"batch","records":[${texts.join(',')}]}`;
  return c.sha256(utf8(text));
}
