/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) through the `canonicalize` package: members
 * sorted by UTF-16 code units (§3.2.3), numbers in ECMAScript Number-to-String form
 * (§3.2.2.3: 1e21 -> "1e+21", -0 -> "0"), strings with the minimal JSON escapes (§3.2.2.2),
 * no whitespace. The package's own failures are turned into typed errors here.
 */
import canonicalize from 'canonicalize';
import { utf8 } from '../crypto/bytes.js';
import { EvidenceError } from './errors.js';

/** The canonical JSON text of `value`; throws `EvidenceError` (LONE_SURROGATE, NOT_JSON) when it has none. */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/lone surrogate/i.test(message)) {
      // JCS output is UTF-8 (RFC 8785 §3.2.2.2), and half a surrogate pair has no UTF-8 form.
      throw new EvidenceError('LONE_SURROGATE', 'a string contains a lone UTF-16 surrogate, which is not valid Unicode', undefined, { cause: err });
    }
    throw new EvidenceError('NOT_JSON', `value cannot be canonical JSON: ${message}`, undefined, { cause: err });
  }
  if (text === undefined) throw new EvidenceError('NOT_JSON', 'value cannot be canonical JSON: it is not a JSON value');
  return text;
}

/** UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
