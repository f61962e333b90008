/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): members sorted by UTF-16 code units (§3.2.3),
 * numbers in ECMAScript Number-to-String form (§3.2.2.3: 1e21 -> "1e+21", -0 -> "0"), strings
 * with the minimal JSON escapes (§3.2.2.2), no whitespace. Every leaf goes through here, so it
 * is written for speed; its output is the `canonicalize` package's (RFC 8785's reference
 * implementation in JavaScript), which test/bench/optimisations.test.ts holds it to.
 */
import { utf8 } from '../crypto/bytes.js';
import { EvidenceError } from './errors.js';

/** Any surrogate code unit: most strings have none, so one native scan settles them. */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
/** Past this nesting depth, each object is checked against its ancestors: only a cycle gets that deep cheaply. */
const CYCLE_CHECK_DEPTH = 64;

/** The canonical JSON text of `value`; throws `EvidenceError` (LONE_SURROGATE, NOT_JSON) when it has none. */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = serialize(value, []);
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    // JSON.stringify's own refusals, such as a BigInt.
    const message = err instanceof Error ? err.message : String(err);
    throw new EvidenceError('NOT_JSON', `value cannot be canonical JSON: ${message}`, undefined, { cause: err });
  }
  if (text === undefined) throw new EvidenceError('NOT_JSON', 'value cannot be canonical JSON: it is not a JSON value');
  return text;
}

/** UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

function notJson(what: string): EvidenceError {
  return new EvidenceError('NOT_JSON', `value cannot be canonical JSON: ${what}`);
}

/** undefined for what JSON has no text for at the top (undefined, a function, a symbol). */
function serialize(value: unknown, ancestors: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (Number.isNaN(value)) throw notJson('NaN is not allowed');
      if (!Number.isFinite(value)) throw notJson('Infinity is not allowed');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      // bigint makes JSON.stringify throw (NOT_JSON); undefined, functions and symbols give undefined.
      return JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (ancestors.length >= CYCLE_CHECK_DEPTH && ancestors.includes(value)) throw notJson('Circular reference detected');
  ancestors.push(value);
  let out: string;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    out = serialize((value as { toJSON: () => unknown }).toJSON(), ancestors) ?? notAValue();
  } else if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // As JSON.stringify does: an array slot without a JSON value is null.
      const text = item === undefined || typeof item === 'symbol' ? 'null' : serialize(item, ancestors);
      if (text === undefined) throw notJson('a function is not a JSON value');
      out += i === 0 ? text : `,${text}`;
    }
    out += ']';
  } else {
    const object = value as Record<string, unknown>;
    // Array.prototype.sort without a comparator orders by UTF-16 code units (RFC 8785 §3.2.3).
    const keys = Object.keys(object).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const member = object[key];
      // As JSON.stringify does: a member without a JSON value is left out.
      if (member === undefined || typeof member === 'symbol') continue;
      const text = serialize(member, ancestors);
      if (text === undefined) throw notJson('a function is not a JSON value');
      out += `${first ? '' : ','}${quote(key)}:${text}`;
      first = false;
    }
    out += '}';
  }
  ancestors.pop();
  return out;
}

function notAValue(): never {
  throw notJson('toJSON returned something that is not a JSON value');
}

/** A JSON string (JSON.stringify writes exactly the RFC 8785 §3.2.2.2 escapes) of well-formed text. */
function quote(text: string): string {
  if (ANY_SURROGATE.test(text) && hasLoneSurrogate(text)) {
    // JCS output is UTF-8 (RFC 8785 §3.2.2.2), and half a surrogate pair has no UTF-8 form.
    throw new EvidenceError('LONE_SURROGATE', 'a string contains a lone UTF-16 surrogate, which is not valid Unicode');
  }
  return JSON.stringify(text);
}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}
