/**
 * Identifier rules (contract, "Secret screening, precisely (version 1.1)"): an identifier is read
 * by people and matched by machines, so it may not hide characters that change how it looks or
 * how it compares: control characters, bidi controls (the "Trojan Source" overrides,
 * U+202A–U+202E and U+2066–U+2069) and zero-width characters (U+200B–U+200D, U+FEFF).
 * Lengths count UTF-16 code units, as JavaScript strings and the contract do.
 */

// \p{Cc}: C0, DEL and C1 controls. The contract's bidi and zero-width ranges, exactly.
const HIDDEN = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]/u;

/** Why `text` is no acceptable identifier, or undefined when it is one. */
export function identifierProblem(text: string): string | undefined {
  const hidden = HIDDEN.exec(text);
  if (!hidden) return undefined;
  const code = hidden[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 0x200b || (code >= 0x7f && code <= 0x9f)) return `contains a control character (${hex})`;
  if (code >= 0x202a && code <= 0x2069) return `contains a bidirectional control character (${hex})`;
  return `contains a zero-width character (${hex})`;
}

/** Zero-width characters, removed before known secret formats are matched (so `gh\u200bp_…` is still a token). */
export const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
export const HAS_ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;

