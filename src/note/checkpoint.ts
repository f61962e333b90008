/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text of a signed tree head.
 *
 *   <origin>\n
 *   <tree size, ASCII decimal, no leading zeros>\n
 *   <base64 RFC 6962 / RFC 9162 root hash>\n
 *   [<non-empty extension line>\n]*
 *
 * Parsing is strict (see ../shared/vectors/README.md): one accepted spelling per value.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, fromBase64, fromHex, toBase64 } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import type { SignerKey, VerifierKey } from './keys.js';
import { openNote, signNote } from './signed-note.js';
import type { OpenedNote } from './signed-note.js';
import { hasForbiddenControl, isSafeCount, isWellFormedUnicode, parseCanonicalDecimal } from './text.js';

const ROOT_HASH_LENGTH = 32;

/** RFC 9162 §2.1.1: the root of the empty tree is SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

export interface Checkpoint {
  /** Unique identifier of the log; SHOULD be a schema-less URL and equal its key name. */
  readonly origin: string;
  /** Number of leaves; at most 2^53 - 1 here, since it is a JS number. */
  readonly size: number;
  /** 32-byte Merkle tree root at `size`. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines, each non-empty (NOT RECOMMENDED by the spec, but allowed). */
  readonly extensions: string[];
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
}

function malformed(message: string): NoteError {
  return new NoteError('MALFORMED_CHECKPOINT', message);
}

/** A line of a checkpoint must be non-empty and hold nothing a signed note forbids. */
function checkLine(line: unknown, what: string): void {
  if (typeof line !== 'string' || line === '') throw malformed(`${what} must be a non-empty string`);
  if (line.includes('\n') || hasForbiddenControl(line)) throw malformed(`${what} must be one line without control characters`);
  if (!isWellFormedUnicode(line)) throw malformed(`${what} contains a lone surrogate (not valid UTF-8)`);
}

function checkEmptyTree(size: number, rootHash: Uint8Array): void {
  if (size === 0 && !bytesEqual(rootHash, EMPTY_TREE_ROOT)) {
    throw malformed('a size-0 checkpoint must carry SHA-256 of the empty string as its root');
  }
}

/** The checkpoint body, ready to be signed as a note text. Refuses anything parseCheckpoint would. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp !== 'object' || cp === null) throw malformed('checkpoint must be an object');
  checkLine(cp.origin, 'origin');
  if (!isSafeCount(cp.size)) throw malformed(`tree size must be an integer from 0 to 2^53 - 1, got ${String(cp.size)}`);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== ROOT_HASH_LENGTH) {
    throw malformed('root hash must be 32 bytes');
  }
  checkEmptyTree(cp.size, cp.rootHash);
  if (!Array.isArray(cp.extensions)) throw malformed('extensions must be an array of lines');
  cp.extensions.forEach((line, i) => checkLine(line, `extension line ${i + 1}`));
  return [cp.origin, String(cp.size), toBase64(cp.rootHash), ...cp.extensions].join('\n') + '\n';
}

/** Parses a checkpoint body (the text of an opened note). Signatures are not its business. */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string') throw malformed('checkpoint must be a string');
  if (!text.endsWith('\n')) throw malformed('checkpoint must end with a newline');
  if (hasForbiddenControl(text)) throw malformed('checkpoint contains a control character other than newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed(`checkpoint needs origin, size and root lines, got ${lines.length} line(s)`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw malformed('origin line is empty');
  const size = parseCanonicalDecimal(sizeLine);
  if (!size.ok) {
    throw malformed(
      size.reason === 'too-large'
        ? `tree size ${sizeLine} exceeds 2^53 - 1, the largest size this implementation can represent exactly`
        : `tree size ${JSON.stringify(sizeLine)} is not a decimal number without sign or leading zeros`,
    );
  }
  const rootHash = fromBase64(rootLine);
  if (rootHash === undefined) throw malformed('root hash is not canonical standard base64');
  if (rootHash.length !== ROOT_HASH_LENGTH) throw malformed(`root hash must be 32 bytes, got ${rootHash.length}`);
  checkEmptyTree(size.value, rootHash);
  const empty = extensions.indexOf('');
  if (empty >= 0) throw malformed(`extension line ${empty + 1} is empty`);
  return { origin, size: size.value, rootHash, extensions };
}

export interface OpenCheckpointOptions {
  /** When set, a checkpoint for any other origin is rejected with ORIGIN_MISMATCH. */
  readonly expectedOrigin?: string;
}

/**
 * Opens a signed checkpoint: the note must verify against `verifiers` (pass only keys you
 * trust to vouch for this log), then its text must be a valid checkpoint, then its origin
 * must be the expected one. Throws only NoteError; the code says which layer failed.
 */
export function openCheckpoint(
  c: Crypto,
  note: string | Uint8Array,
  verifiers: VerifierKey[],
  opts: OpenCheckpointOptions = {},
): OpenedCheckpoint {
  const opened = openNote(c, note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (opts.expectedOrigin !== undefined && checkpoint.origin !== opts.expectedOrigin) {
    throw new NoteError(
      'ORIGIN_MISMATCH',
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not the expected ${JSON.stringify(opts.expectedOrigin)}`,
    );
  }
  return { checkpoint, note: opened };
}

/** Formats and signs a checkpoint. tlog-checkpoint §Signatures: the key name SHOULD equal the origin. */
export function signCheckpoint(c: Crypto, cp: Checkpoint, signer: SignerKey): string {
  return signNote(c, formatCheckpoint(cp), [signer]);
}
