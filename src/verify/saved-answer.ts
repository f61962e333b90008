/**
 * An error answer saved where evidence was expected. `curl -s … > q3.json` writes the ledger's
 * problem document (RFC 9457: `type`, `title`, `status`, `detail`) to the file just as it writes
 * a bundle, e.g. without a token (401) or for an entry no checkpoint covers yet (400); the
 * verifier then says so, with the ledger's own words, instead of only "bad shape". Pure.
 */

/** The sentence for a parsed JSON value that is a problem document, else undefined. */
export function problemAnswerOf(value: unknown, expected: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { status, title, detail } = value as Record<string, unknown>;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599 || typeof title !== 'string') return undefined;
  const said = typeof detail === 'string' && detail !== '' ? `: ${detail}` : '';
  return `the file holds the ledger's error answer (HTTP ${status} ${title}${said}), not ${expected}: fetch it again`;
}

/** As {@link problemAnswerOf}, for the text (or UTF-8 bytes) of a whole file. */
export function problemAnswerIn(text: string | Uint8Array, expected: string): string | undefined {
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text);
  if (!s.trimStart().startsWith('{')) return undefined;
  try {
    return problemAnswerOf(JSON.parse(s), expected);
  } catch {
    return undefined;
  }
}
