/**
 * Lexical rules shared by signed notes, checkpoints and tlog-proofs: strict UTF-8,
 * the control-character ban of C2SP signed-note, and canonical decimal numbers.
 */

/** C2SP signed-note §Format: no ASCII control characters other than newline. */
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

/** A UTF-16 surrogate without its partner: not a Unicode scalar value, so not encodable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Canonical decimal: ASCII digits, no sign, no leading zero unless the number is 0. */
const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function hasForbiddenControl(text: string): boolean {
  return FORBIDDEN_CONTROL.test(text);
}

/** True when `text` has a UTF-8 encoding; TextEncoder would silently replace a lone surrogate. */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Decodes strict UTF-8 (no overlong forms, no encoded surrogates, no truncated
 * sequences) and keeps a leading BOM as text, so the string re-encodes to exactly
 * the same bytes. Returns undefined for anything else.
 */
export function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export type DecimalResult = { ok: true; value: number } | { ok: false; reason: 'syntax' | 'too-large' };

/**
 * Parses a canonical decimal (as C2SP tlog-checkpoint and tlog-proof write sizes
 * and indexes). Values above Number.MAX_SAFE_INTEGER (2^53 - 1) are refused as
 * `too-large`: they are valid uint64 values, but a JS number cannot hold them exactly.
 */
export function parseCanonicalDecimal(text: string): DecimalResult {
  if (!CANONICAL_DECIMAL.test(text)) return { ok: false, reason: 'syntax' };
  // 15 digits always fit below 2^53 - 1 (9007199254740991); longer ones are compared exactly.
  if (text.length > 15 && BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'too-large' };
  return { ok: true, value: Number(text) };
}

export function isSafeCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
