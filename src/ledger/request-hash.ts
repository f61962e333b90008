/** What an Idempotency-Key is bound to: the request's records as JSON values (RFC 8785 canonical). */
import type { Crypto } from '../crypto/types.js';
import { canonicalBytes, type EvidenceRecord } from '../evidence/index.js';

export function requestHash(c: Crypto, kind: 'entry' | 'batch', records: EvidenceRecord[]): Uint8Array {
  return c.sha256(canonicalBytes(kind === 'entry' ? { kind, record: records[0] } : { kind, records }));
}
