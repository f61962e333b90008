/**
 * The verifier key in what an auditor pastes or saves: the key text itself
 * (`<name>+<hex8>+<base64>`, C2SP signed-note), or the JSON object `GET /v1/key` answers, whose
 * `verifierKey` member is it. `curl …/v1/key > ledger.vkey` is what the README tells auditors to
 * do, so `--key ledger.vkey` and the browser page both take that file as it is. Pure.
 */

/** The key text in `text` (trimmed); throws an Error saying what is wrong with a JSON one. */
export function verifierKeyText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error('it looks like JSON but does not parse');
  }
  const key = (parsed as { verifierKey?: unknown } | null)?.verifierKey;
  if (typeof key !== 'string') throw new Error('it is JSON without a "verifierKey" string (as GET /v1/key answers)');
  return key.trim();
}
