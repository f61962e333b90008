/**
 * C2SP signed-note (c2sp.org/signed-note), Ed25519 only:
 *
 *   <text, ending in \n>
 *   \n
 *   — <key name> <base64(uint32 key hash || 64-byte Ed25519 signature over text)>\n   (one or more)
 *
 * The signature covers the text bytes exactly, final newline included, blank line excluded.
 */
import type { Crypto } from '../crypto/types.js';
import { concatBytes, fromBase64, toBase64, utf8 } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import { assertConsistentKey, formatKeyHash, isValidKeyName, sameKey } from './keys.js';
import type { SignerKey, VerifierKey } from './keys.js';
import { decodeStrictUtf8, hasForbiddenControl, isWellFormedUnicode } from './text.js';

/**
 * Most signature lines a note may carry. The spec asks verifiers to bound them and to
 * accept at least 16; 100 matches the reference and leaves room for many witnesses.
 */
export const MAX_SIGNATURE_LINES = 100;

/** U+2014 EM DASH then U+0020 SPACE: the start of every signature line. */
const SIGNATURE_LINE_PREFIX = '\u2014 ';
const KEY_HASH_LENGTH = 4;

export interface NoteSignature {
  readonly name: string;
  readonly keyHash: number;
  /** base64(key hash || signature), exactly as on the signature line. */
  readonly signature: string;
}

export interface OpenedNote {
  /** The signed text, ending in `\n`. Trust it only because `verified` is non-empty. */
  readonly text: string;
  /** Signatures from known keys, all verified; one per key, in line order. */
  readonly verified: NoteSignature[];
  /** Signatures from keys the caller did not pass (ignored, as the spec says); duplicates dropped. */
  readonly unverified: NoteSignature[];
}

interface SignatureLine extends NoteSignature {
  readonly line: string;
  readonly signatureBytes: Uint8Array;
}

function malformed(message: string): NoteError {
  return new NoteError('MALFORMED_NOTE', message);
}

/** Text to sign: ends in \n, and nothing the parser would reject. */
function checkSignableText(text: string): void {
  if (typeof text !== 'string') throw malformed('note text must be a string');
  if (!text.endsWith('\n')) throw malformed('note text must end with a newline');
  if (!isWellFormedUnicode(text)) throw malformed('note text contains a lone surrogate (not valid UTF-8)');
  if (hasForbiddenControl(text)) throw malformed('note text contains a control character other than newline');
}

/**
 * Signs `text` with each signer, in order. Ed25519 is deterministic, so the same text and
 * keys always give the same bytes. Signer keys must come from parseSignerKey or
 * generateSignerKey: the seed is trusted to match the public key (checked there).
 */
export function signNote(c: Crypto, text: string, signers: SignerKey[]): string {
  checkSignableText(text);
  if (!Array.isArray(signers) || signers.length === 0) throw malformed('a signed note needs at least one signer');
  if (signers.length > MAX_SIGNATURE_LINES) throw malformed(`at most ${MAX_SIGNATURE_LINES} signatures per note`);
  const message = utf8(text);
  let out = `${text}\n`;
  for (const signer of signers) {
    assertConsistentKey(c, signer);
    const hash = new Uint8Array(KEY_HASH_LENGTH);
    new DataView(hash.buffer).setUint32(0, signer.keyHash);
    const signature = c.ed25519Sign(signer.seed, message);
    out += `${SIGNATURE_LINE_PREFIX}${signer.name} ${toBase64(concatBytes(hash, signature))}\n`;
  }
  return out;
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === 'string') {
    if (!isWellFormedUnicode(note)) throw malformed('note contains a lone surrogate (not valid UTF-8)');
    return note;
  }
  if (!(note instanceof Uint8Array)) throw malformed('note must be a string or bytes');
  const decoded = decodeStrictUtf8(note);
  if (decoded === undefined) throw malformed('note is not valid UTF-8');
  return decoded;
}

/** Parses one `— <name> <base64>` line; syntax only. */
function parseSignatureLine(line: string): SignatureLine {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) throw malformed('signature line must start with an em dash and a space');
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const signature = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed(`invalid key name on signature line: ${JSON.stringify(name)}`);
  const raw = fromBase64(signature);
  if (signature === '' || raw === undefined) throw malformed(`signature of ${name} is not canonical standard base64`);
  if (raw.length <= KEY_HASH_LENGTH) throw malformed(`signature of ${name} is too short to hold a key hash`);
  const keyHash = new DataView(raw.buffer, raw.byteOffset, KEY_HASH_LENGTH).getUint32(0);
  return { name, keyHash, signature, line, signatureBytes: raw.subarray(KEY_HASH_LENGTH) };
}

/** Splits a note at its last blank line (C2SP signed-note §Format) and parses the signature block. */
function splitNote(note: string): { text: string; lines: SignatureLine[] } {
  if (hasForbiddenControl(note)) throw malformed('note contains a control character other than newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '') throw malformed('note has no signature lines');
  if (!block.endsWith('\n')) throw malformed('note must end with a newline');
  const rawLines = block.slice(0, -1).split('\n');
  if (rawLines.length > MAX_SIGNATURE_LINES) throw malformed(`note has more than ${MAX_SIGNATURE_LINES} signature lines`);
  return { text, lines: rawLines.map(parseSignatureLine) };
}

/** One signature line of a note, parsed but not verified. */
export interface NoteSignatureLine extends NoteSignature {
  /** The whole line, without its newline. */
  readonly line: string;
  /** The signature bytes after the 4-byte key hash. */
  readonly signatureBytes: Uint8Array;
}

/**
 * Splits a signed note into its text and its signature lines (C2SP signed-note §Format),
 * syntax only: nothing is verified. Cosignature checks (cosignature.ts) build on it.
 */
export function splitSignedNote(note: string | Uint8Array): { text: string; lines: NoteSignatureLine[] } {
  return splitNote(decodeNote(note));
}

const idOf = (name: string, hash: number): string => `${formatKeyHash(hash)}+${name}`;

function indexVerifiers(c: Crypto, verifiers: VerifierKey[]): Map<string, VerifierKey> {
  if (!Array.isArray(verifiers)) throw new NoteError('MALFORMED_KEY', 'verifiers must be an array of keys');
  const known = new Map<string, VerifierKey>();
  for (const v of verifiers) {
    assertConsistentKey(c, v);
    const id = idOf(v.name, v.keyHash);
    const other = known.get(id);
    if (other && !sameKey(other, v)) {
      throw new NoteError('AMBIGUOUS_KEY', `two verifier keys are named ${v.name}+${formatKeyHash(v.keyHash)}`);
    }
    known.set(id, v);
  }
  return known;
}

/**
 * Opens a signed note (C2SP signed-note §Signatures): every signature line from a known
 * key (same name AND key hash) is verified, and any failure rejects the whole note, a
 * repeated line included (stricter than the reference, which skips repeats). Lines from
 * unknown keys are ignored. At least one known signature must verify.
 * Throws only NoteError.
 */
export function openNote(c: Crypto, note: string | Uint8Array, verifiers: VerifierKey[]): OpenedNote {
  const known = indexVerifiers(c, verifiers);
  const { text, lines } = splitNote(decodeNote(note));
  const message = utf8(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKeys = new Set<string>();
  const seenUnknownLines = new Set<string>();
  for (const s of lines) {
    const id = idOf(s.name, s.keyHash);
    const key = known.get(id);
    const signature: NoteSignature = { name: s.name, keyHash: s.keyHash, signature: s.signature };
    if (!key) {
      if (!seenUnknownLines.has(s.line)) unverified.push(signature);
      seenUnknownLines.add(s.line);
      continue;
    }
    if (!c.ed25519Verify(key.publicKey, message, s.signatureBytes)) {
      throw new NoteError('BAD_SIGNATURE', `invalid signature for key ${s.name}+${formatKeyHash(s.keyHash)}`);
    }
    if (!seenKeys.has(id)) verified.push(signature);
    seenKeys.add(id);
  }
  if (verified.length === 0) throw new NoteError('NO_KNOWN_SIGNATURE', 'note has no signature from a known key');
  return { text, verified, unverified };
}
