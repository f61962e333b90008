/** What an Idempotency-Key is bound to: the request's records as JSON values (RFC 8785 canonical). */
import canonicalize from 'canonicalize';
import type { Crypto } from '../crypto/types.js';
import { utf8 } from '../crypto/bytes.js';
import type { EvidenceRecord } from '../evidence/index.js';

export function requestHash(c: Crypto, kind: 'entry' | 'batch', records: EvidenceRecord[]): Uint8Array {
  const value = kind === 'entry' ? { kind, record: records[0] } : { kind, records };
  return c.sha256(utf8(canonicalize(value) ?? ''));
}
