/**
 * C2SP tlog-proof (c2sp.org/tlog-proof), version c2sp.org/tlog-proof@v1: an entry's
 * index, its inclusion proof and the signed checkpoint it leads to, in one text.
 *
 *   c2sp.org/tlog-proof@v1\n
 *   [extra <base64 opaque data>\n]          (ours: the entry's exact leaf bytes)
 *   index <decimal, no leading zeros>\n
 *   [<base64 32-byte hash>\n]*              (RFC 9162 §2.1.3 order: leaf's sibling first)
 *   \n
 *   <signed checkpoint note, verbatim>
 *
 * Parsing is syntax only: the caller opens `checkpointNote` with openCheckpoint and checks
 * the proof against its root. `extra` is NOT authenticated (spec §Format): a verifier must
 * hash it and prove that hash, never trust it as is.
 */
import { fromBase64, toBase64 } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import { decodeStrictUtf8, isSafeCount, parseCanonicalDecimal } from './text.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
const EXTRA_PREFIX = 'extra ';
const INDEX_PREFIX = 'index ';
const HASH_LENGTH = 32;

/** An inclusion path in a tree of at most 2^64 - 1 leaves has at most 64 hashes; more is never valid. */
export const MAX_PROOF_HASHES = 64;

export interface TlogProof {
  /** Zero-based index of the entry in the log. */
  readonly index: number;
  /** Inclusion proof, 32-byte hashes from the leaf's sibling up to the root's child. */
  readonly proof: Uint8Array[];
  /** The signed checkpoint note, verbatim (ends in `\n`). */
  readonly checkpointNote: string;
  /** Opaque, unauthenticated extra data; absent when the proof has no `extra` line. */
  readonly extra?: Uint8Array;
}

function malformed(message: string): NoteError {
  return new NoteError('MALFORMED_PROOF', message);
}

export function formatTlogProof(p: TlogProof): string {
  if (typeof p !== 'object' || p === null) throw malformed('tlog-proof must be an object');
  if (!isSafeCount(p.index)) throw malformed(`index must be an integer from 0 to 2^53 - 1, got ${String(p.index)}`);
  if (!Array.isArray(p.proof) || p.proof.length > MAX_PROOF_HASHES) {
    throw malformed(`proof must be an array of at most ${MAX_PROOF_HASHES} hashes`);
  }
  p.proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_LENGTH) throw malformed(`proof hash ${i} must be 32 bytes`);
  });
  if (typeof p.checkpointNote !== 'string' || !p.checkpointNote.endsWith('\n')) {
    throw malformed('checkpoint note must be a non-empty string ending in a newline');
  }
  let out = `${TLOG_PROOF_HEADER}\n`;
  if (p.extra !== undefined) {
    // The spec omits the line when there is no extra data; an empty line would say the same thing twice.
    if (!(p.extra instanceof Uint8Array) || p.extra.length === 0) throw malformed('extra must be non-empty bytes, or absent');
    out += `${EXTRA_PREFIX}${toBase64(p.extra)}\n`;
  }
  out += `${INDEX_PREFIX}${p.index}\n`;
  for (const h of p.proof) out += `${toBase64(h)}\n`;
  return `${out}\n${p.checkpointNote}`;
}

/** Cuts the next `\n`-terminated line off `text`; undefined when no newline is left. */
function nextLine(text: string, from: number): { line: string; next: number } | undefined {
  const end = text.indexOf('\n', from);
  return end < 0 ? undefined : { line: text.slice(from, end), next: end + 1 };
}

function decodeProofText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  if (!(input instanceof Uint8Array)) throw malformed('tlog-proof must be a string or bytes');
  const text = decodeStrictUtf8(input);
  if (text === undefined) throw malformed('tlog-proof is not valid UTF-8');
  return text;
}

export function parseTlogProof(input: string | Uint8Array): TlogProof {
  const text = decodeProofText(input);
  let cur = nextLine(text, 0);
  if (cur?.line !== TLOG_PROOF_HEADER) throw malformed(`first line must be ${TLOG_PROOF_HEADER}`);

  let extra: Uint8Array | undefined;
  cur = nextLine(text, cur.next);
  if (cur?.line.startsWith(EXTRA_PREFIX)) {
    extra = fromBase64(cur.line.slice(EXTRA_PREFIX.length));
    if (extra === undefined) throw malformed('extra data is not canonical standard base64');
    if (extra.length === 0) throw malformed('extra line carries no data (omit the line instead)');
    cur = nextLine(text, cur.next);
  }

  if (!cur?.line.startsWith(INDEX_PREFIX)) throw malformed('expected an "index N" line');
  const index = parseCanonicalDecimal(cur.line.slice(INDEX_PREFIX.length));
  if (!index.ok) {
    throw malformed(
      index.reason === 'too-large'
        ? 'index exceeds 2^53 - 1, the largest this implementation can represent exactly'
        : 'index is not a decimal number without sign or leading zeros',
    );
  }

  const proof: Uint8Array[] = [];
  for (;;) {
    cur = nextLine(text, cur.next);
    if (cur === undefined) throw malformed('missing the blank line before the checkpoint');
    if (cur.line === '') break;
    if (proof.length === MAX_PROOF_HASHES) throw malformed(`more than ${MAX_PROOF_HASHES} proof hashes`);
    const hash = fromBase64(cur.line);
    if (hash === undefined) throw malformed(`proof hash ${proof.length} is not canonical standard base64`);
    if (hash.length !== HASH_LENGTH) throw malformed(`proof hash ${proof.length} must be 32 bytes, got ${hash.length}`);
    proof.push(hash);
  }

  const checkpointNote = text.slice(cur.next);
  if (checkpointNote === '') throw malformed('missing the checkpoint');
  return extra === undefined ? { index: index.value, proof, checkpointNote } : { index: index.value, proof, checkpointNote, extra };
}
