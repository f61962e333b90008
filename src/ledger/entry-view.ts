/** The JSON shape of a served entry: the exact leaf bytes next to the parsed envelope. */
import { toBase64, toHex } from '../crypto/bytes.js';
import { decodeLeaf, isLate, type EntryEnvelope } from '../evidence/index.js';

/** What POST /v1/entries answers for each appended entry. */
export interface AppendedView {
  index: number;
  leafHash: string;
  /** base64 of the exact leaf bytes: a verifier hashes these, never a re-canonicalisation */
  leaf: string;
  entry: EntryEnvelope;
}

/** What reads answer: the appended view plus `late`. */
export interface EntryView extends AppendedView {
  /** occurredAt lies in an earlier fiscal quarter than receivedAt */
  late: boolean;
}

type EntrySource = { index: number; leaf: Uint8Array; leafHash: Uint8Array; envelope?: EntryEnvelope };

export function appendedView(e: EntrySource): AppendedView {
  return { index: e.index, leafHash: toHex(e.leafHash), leaf: toBase64(e.leaf), entry: e.envelope ?? decodeLeaf(e.leaf) };
}

/**
 * The JSON text of appendedView(e), for append answers (a 1,000-entry batch answer is about 1 MB):
 * the leaf is the RFC 8785 JSON of the envelope, so its text is `entry` as it stands, and Node's
 * native base64 and hex replace the browser-safe encoders on this server-only path.
 */
export function appendedJson(e: EntrySource): string {
  const leaf = Buffer.from(e.leaf.buffer, e.leaf.byteOffset, e.leaf.byteLength);
  const leafHash = Buffer.from(e.leafHash.buffer, e.leafHash.byteOffset, e.leafHash.byteLength).toString('hex');
  return `{"index":${e.index},"leafHash":"${leafHash}","leaf":"${leaf.toString('base64')}","entry":${leaf.toString('utf8')}}`;
}

export function entryView(e: EntrySource, fiscalYearStart: number): EntryView {
  const view = appendedView(e);
  return { ...view, late: isLate(view.entry.record.occurredAt, view.entry.receivedAt, fiscalYearStart) };
}

/**
 * Contract, "Redaction": a redacted entry keeps its index and leaf hash (its place in the tree and
 * every proof), and says which redaction entry removed its leaf; it has no `leaf` and no `entry`.
 */
export interface RedactedView {
  index: number;
  leafHash: string;
  redacted: { by: number };
}

export function redactedView(e: { index: number; leafHash: Uint8Array }, by: number): RedactedView {
  return { index: e.index, leafHash: toHex(e.leafHash), redacted: { by } };
}

/** A stored row whose leaf was removed (an empty leaf is never a valid one otherwise). */
export function isRedactedRow(e: { leaf: Uint8Array }): boolean {
  return e.leaf.length === 0;
}
