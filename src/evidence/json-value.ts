/**
 * The free-form `details` member (contract, "Evidence records" and "Requests"): any JSON
 * object, at most 16 KiB as canonical JSON and 8 levels deep, holding only values that
 * survive a JSON round trip exactly.
 */
import { utf8 } from '../crypto/bytes.js';
import { canonicalJson } from './canonical.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Contract: `details` is at most 16 KiB (16,384 bytes) as RFC 8785 canonical UTF-8 JSON. */
export const MAX_DETAILS_BYTES = 16 * 1024;

/**
 * Contract: at most 8 levels deep. `details` itself is level 1, so `{"a":{"b":1}}` is
 * 2 levels; every object or array opens a level, scalars do not.
 */
export const MAX_DETAILS_DEPTH = 8;

/** Stop listing problems after this many: one bad 16 KiB array should not produce a 16 KiB answer. */
const MAX_PROBLEMS = 20;

export interface JsonProblem {
  /** Path below `details`, as object keys and array positions. */
  path: string[];
  message: string;
}

/** True when `text` has no lone UTF-16 surrogate, so it has a UTF-8 encoding. */
export function isWellFormedUnicode(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Everything that keeps `value` from being a valid `details` object; empty when it is one. */
export function detailsProblems(value: unknown): JsonProblem[] {
  if (!isPlainObject(value)) return [{ path: [], message: 'expected a JSON object' }];
  const problems: JsonProblem[] = [];
  walk(value, [], 1, problems);
  if (problems.length > 0) return problems;
  const bytes = utf8(canonicalJson(value)).length;
  if (bytes > MAX_DETAILS_BYTES) {
    return [{ path: [], message: `is ${bytes} bytes as canonical JSON; at most ${MAX_DETAILS_BYTES} are allowed` }];
  }
  return [];
}

function walk(value: unknown, path: string[], depth: number, problems: JsonProblem[]): void {
  if (problems.length >= MAX_PROBLEMS) return;
  const report = (message: string) => problems.push({ path, message });
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    if (!isWellFormedUnicode(value)) report('contains a lone UTF-16 surrogate, which is not valid Unicode');
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) report('numbers must be finite');
    // A double above 2^53 - 1 stands for many integers; JSON readers elsewhere may pick another.
    else if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      report('integers must lie within ±(2^53 - 1) to round-trip exactly; send larger ones as strings');
    }
    return;
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return void report('is not a JSON value');
  if (depth > MAX_DETAILS_DEPTH) return void report(`nests deeper than ${MAX_DETAILS_DEPTH} levels`);
  if (isArray) {
    value.forEach((item, i) => walk(item, [...path, String(i)], depth + 1, problems));
    return;
  }
  for (const key of Object.keys(value)) {
    const at = [...path, key];
    // Many JavaScript readers turn a "__proto__" member into a prototype change, losing it.
    if (key === '__proto__') problems.push({ path: at, message: 'the member name "__proto__" is reserved' });
    else if (!isWellFormedUnicode(key)) problems.push({ path: at, message: 'member name contains a lone UTF-16 surrogate' });
    else walk(value[key], at, depth + 1, problems);
  }
}
