/**
 * The entry envelope and its leaf bytes (contract, "Entries"): the leaf is the UTF-8 of the
 * RFC 8785 canonical JSON of `{v, index, prev, receivedAt, source, record}`, and its hash,
 * SHA-256(0x00 || leaf), is what the RFC 9162 §2.1 tree commits to. A leaf is forever, so
 * `encodeLeaf` checks everything before it encodes, and `decodeLeaf` accepts only bytes that
 * are exactly what `encodeLeaf` would produce: one entry, one byte string.
 */
import { z } from 'zod';
import { bytesEqual, utf8 } from '../crypto/bytes.js';
import { canonicalBytes, canonicalJson } from './canonical.js';
import { EvidenceError } from './errors.js';
import { problemsFromIssues } from './problems.js';
import { evidenceRecordSchema, utf16Max, type EvidenceRecord } from './record.js';
import { isValidatedRecord, preparedCanonicalJson } from './validate.js';
import { checkLeafSize } from './leaf-limit.js';

export interface EntryEnvelope {
  v: 1;
  /** Position in the log, from 0. */
  index: number;
  /** Lowercase hex leaf hash of entry index-1; `ZERO_HASH_HEX` for entry 0 (a hash chain). */
  prev: string;
  /** When the ledger accepted it: RFC 3339 UTC with milliseconds (`formatTimestamp`). */
  receivedAt: string;
  /** The submitter, from its token, never from the body. */
  source: string;
  record: EvidenceRecord;
  /**
   * Optional (absent: the entry's bytes are exactly as before): the submitter's detached Ed25519
   * signature over the UTF-8 of `record`'s RFC 8785 canonical JSON, standard base64 of 64 bytes,
   * for sources that registered a signing key (README, "Signed submissions").
   */
  signature?: string;
}

/** `prev` of entry 0: 32 zero bytes in hex. */
export const ZERO_HASH_HEX = '0'.repeat(64);

/** Ours: the `source` of a token, like the other ids. */
export const MAX_SOURCE_LENGTH = 256;

/** Standard base64 (RFC 4648 §4) of 64 bytes: 86 characters, the last of 4 possible values, then `==`. */
const SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{85}[AQgw]==$/;

const RECEIVED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const envelopeHeadShape = {
  v: z.literal(1),
  index: z.int().min(0), // z.int() is a safe integer: every index below 2^53 has one exact JSON form
  prev: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex digits' }),
  receivedAt: z.string().refine(isCanonicalTimestamp, { message: 'expected RFC 3339 UTC with milliseconds, such as 2026-09-14T02:00:00.000Z' }),
  source: z.string().min(1).max(MAX_SOURCE_LENGTH).refine(utf16Max(MAX_SOURCE_LENGTH), { message: `must be at most ${MAX_SOURCE_LENGTH} characters` }),
  signature: z.string().regex(SIGNATURE_BASE64, { message: 'expected the standard base64 of a 64-byte Ed25519 signature' }).optional(),
};
/** The envelope as zod sees it (exported for the OpenAPI document and the SDK's types). */
export const envelopeSchema = z.strictObject({ ...envelopeHeadShape, record: evidenceRecordSchema });
/** For a record `validateRecord` already checked and froze: the same envelope, record taken as is. */
const envelopeAroundValidatedSchema = z.strictObject({ ...envelopeHeadShape, record: z.custom<EvidenceRecord>(isValidatedRecord) });

/** The leaf bytes of `envelope`; throws `EvidenceError` (INVALID_ENVELOPE, INVALID_RECORD, LONE_SURROGATE, LEAF_TOO_LARGE). */
export function encodeLeaf(envelope: EntryEnvelope): Uint8Array {
  checkEnvelope(envelope, isValidatedRecord(envelope.record) ? envelopeAroundValidatedSchema : envelopeSchema);
  const recordText = preparedCanonicalJson(envelope.record);
  const leaf = recordText === undefined ? canonicalBytes(envelope) : utf8(spliceEnvelope(envelope, recordText));
  checkLeafSize(leaf);
  return leaf;
}

/**
 * canonicalJson(envelope) around a record whose canonical text is already known. RFC 8785
 * §3.2.3 sorts members by UTF-16 code units (index < prev < receivedAt < record < source < v,
 * with any optional member in its place) and a nested object's text does not depend on where
 * it sits, so only the punctuation is ours; every other value is still serialised by the library.
 * Members whose value is undefined are absent, as JSON.stringify and the library have them.
 */
export function spliceEnvelope(e: EntryEnvelope, recordText: string): string {
  const members = Object.keys(e).filter((name) => (e as unknown as Record<string, unknown>)[name] !== undefined);
  // Array.prototype.sort without a comparator compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
  members.sort();
  const parts = members.map((name) => {
    const value = name === 'record' ? recordText : canonicalJson((e as unknown as Record<string, unknown>)[name]);
    return `${canonicalJson(name)}:${value}`;
  });
  return `{${parts.join(',')}}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses leaf bytes strictly: well-formed UTF-8 (no BOM), JSON, exactly its own canonical
 * form (so duplicate members, spaces, reordering or `1.0` for `1` are refused), and a valid
 * envelope around a valid version 1 record. The secret scan is not rerun: it is policy at
 * the door, and a later tightening must not make old entries unreadable.
 */
export function decodeLeaf(bytes: Uint8Array): EntryEnvelope {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (err) {
    throw new EvidenceError('INVALID_UTF8', 'leaf is not well-formed UTF-8', undefined, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EvidenceError('INVALID_JSON', `leaf is not JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (!bytesEqual(canonicalBytes(value), bytes)) {
    throw new EvidenceError('NOT_CANONICAL', 'leaf is not in RFC 8785 canonical form');
  }
  checkEnvelope(value);
  return value;
}

function checkEnvelope(value: unknown, schema: z.ZodType<EntryEnvelope> = envelopeSchema): asserts value is EntryEnvelope {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return;
  const problems = problemsFromIssues(parsed.error.issues, 'envelope');
  const inRecord = problems.every((p) => p.field === 'record' || p.field.startsWith('record.'));
  const code = inRecord ? 'INVALID_RECORD' : 'INVALID_ENVELOPE';
  throw new EvidenceError(code, problems.map((p) => p.message).join('; '), problems);
}

/** The last timestamp found canonical: every entry of a batch carries the same one. */
let lastCanonicalTimestamp = '';

function isCanonicalTimestamp(text: string): boolean {
  if (text === lastCanonicalTimestamp) return true;
  // The round trip rejects dates that do not exist, like 2026-02-30.
  const ok = RECEIVED_AT.test(text) && new Date(text).toISOString() === text;
  if (ok) lastCanonicalTimestamp = text;
  return ok;
}

/** RFC 3339 UTC with milliseconds (`2026-09-14T02:00:00.000Z`) of epoch milliseconds, years 0000–9999. */
export function formatTimestamp(ms: number): string {
  let text = '';
  try {
    text = new Date(ms).toISOString();
  } catch {
    // NaN, ±Infinity and times beyond ±8.64e15 ms are Invalid Dates.
  }
  // toISOString writes years outside 0000–9999 as ±YYYYYY, which RFC 3339 §5.6 does not allow.
  if (!RECEIVED_AT.test(text)) throw new EvidenceError('INVALID_TIMESTAMP', `cannot format ${ms} ms as an RFC 3339 timestamp`);
  return text;
}
