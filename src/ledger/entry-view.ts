/** The JSON shape of a served entry: the exact leaf bytes next to the parsed envelope. */
import { toBase64, toHex } from '../crypto/bytes.js';
import { decodeLeaf, isLate, type EntryEnvelope } from '../evidence/index.js';

export interface EntryView {
  index: number;
  leafHash: string;
  /** base64 of the exact leaf bytes: a verifier hashes these, never a re-canonicalisation */
  leaf: string;
  entry: EntryEnvelope;
  /** occurredAt lies in an earlier fiscal quarter than receivedAt */
  late: boolean;
}

export function entryView(
  e: { index: number; leaf: Uint8Array; leafHash: Uint8Array; envelope?: EntryEnvelope },
  fiscalYearStart: number,
): EntryView {
  const entry = e.envelope ?? decodeLeaf(e.leaf);
  return {
    index: e.index,
    leafHash: toHex(e.leafHash),
    leaf: toBase64(e.leaf),
    entry,
    late: isLate(entry.record.occurredAt, entry.receivedAt, fiscalYearStart),
  };
}
