/**
 * The one screen for an entry's `source` before it can be stored: the same secret scan as
 * evidence (secrets.ts), then the identifier rules. A source is shown to auditors and compared
 * by exact text, so it must read as what it is: no control, bidirectional-override or
 * zero-width characters (which make two different ids look alike), well-formed Unicode, at most
 * MAX_SOURCE_LENGTH code units, and never the ledger's own reserved prefix.
 *
 * The secret part is issue 11's one screen for every stored string (screen.ts); this file is the
 * one place a source is screened. Pure: no I/O.
 */
import { MAX_SOURCE_LENGTH } from './envelope.js';
import { isLedgerSource, RESERVED_SOURCE_PREFIX } from './access-records.js';
import { isWellFormedUnicode } from './json-value.js';
import { screenStoredString } from './screen.js';

/** Cc (controls), bidi embeddings/overrides/isolates and marks, zero-width and word-joiner characters, BOM. */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/u;

/** Why `source` may not be stored, or undefined when it may. Never repeats the value. */
export function sourceProblem(source: string): string | undefined {
  if (source.length === 0) return 'is empty';
  if (source.length > MAX_SOURCE_LENGTH) return `is longer than ${MAX_SOURCE_LENGTH} characters`;
  if (!isWellFormedUnicode(source)) return 'contains a lone UTF-16 surrogate';
  if (INVISIBLE_OR_CONTROL.test(source)) return 'contains a control, bidirectional or zero-width character';
  if (isLedgerSource(source)) return `may not start with "${RESERVED_SOURCE_PREFIX}", which is reserved for the ledger's own records`;
  // Issue 11's one screen for every stored string; its sentence, without the field prefix.
  const screened = screenStoredString('source', source);
  return screened === undefined ? undefined : `looks like a secret (${screened.message.slice(screened.field.length + 2)})`;
}
