/**
 * Receipt verification, with nothing but the record sent, the answer and the log's verifier
 * key: the leaf bytes are recomputed from the record (contract, "Entries": RFC 8785 canonical
 * JSON of the envelope) and must be the ones returned, their RFC 9162 §2.1.1 leaf hash must be
 * the one returned, and the entry must be included (§2.1.3.2) in a checkpoint whose signature
 * the verifier key checks (C2SP tlog-checkpoint, signed-note).
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, fromBase64, fromHex, toHex } from '../crypto/bytes.js';
import { canonicalJson, decodeLeaf, encodeLeaf, type EntryEnvelope, type EvidenceRecord } from '../evidence/index.js';
import { leafHash, verifyInclusion } from '../merkle/index.js';
import { openCheckpoint, parseVerifierKey, type Checkpoint } from '../note/index.js';
import { ReceiptError } from './errors.js';

/** What POST /v1/entries answers for one entry. */
export interface AppendedEntry {
  index: number;
  leafHash: string;
  leaf: string;
  entry: EntryEnvelope;
}

/** Checks the leaf of `answer` against the record that was sent; returns the leaf hash. */
export function checkReceiptLeaf(c: Crypto, sent: EvidenceRecord, answer: AppendedEntry): Uint8Array {
  const leaf = fromBase64(answer.leaf);
  if (!leaf) throw new ReceiptError('LEAF_MISMATCH', 'the returned leaf is not base64');
  let stored: EntryEnvelope;
  try {
    stored = decodeLeaf(leaf);
  } catch (err) {
    throw new ReceiptError('LEAF_MISMATCH', `the returned leaf is not a canonical entry: ${(err as Error).message}`, { cause: err });
  }
  if (canonicalJson(stored.record) !== canonicalJson(sent)) {
    throw new ReceiptError('RECORD_MISMATCH', `entry ${answer.index} does not hold the record that was sent`);
  }
  const recomputed = encodeLeaf({ ...stored, record: sent });
  if (!bytesEqual(recomputed, leaf) || stored.index !== answer.index || canonicalJson(stored) !== canonicalJson(answer.entry)) {
    throw new ReceiptError('LEAF_MISMATCH', `entry ${answer.index}: the leaf recomputed from the record is not the one returned`);
  }
  const hash = leafHash(c, leaf);
  if (toHex(hash) !== answer.leafHash) throw new ReceiptError('LEAF_HASH_MISMATCH', `entry ${answer.index}: leafHash is not SHA-256(0x00 || leaf)`);
  return hash;
}

/** Opens a checkpoint note with the verifier key (and origin, when given); throws ReceiptError. */
export function openTrustedCheckpoint(c: Crypto, note: string, verifierKey: string, origin?: string): Checkpoint {
  try {
    const key = parseVerifierKey(c, verifierKey);
    return openCheckpoint(c, note, [key], { expectedOrigin: origin ?? key.name }).checkpoint;
  } catch (err) {
    throw new ReceiptError('CHECKPOINT_INVALID', `the checkpoint does not verify with the verifier key: ${(err as Error).message}`, { cause: err });
  }
}

/** Checks an RFC 9162 inclusion proof of `hash` at `index` against a signed checkpoint. */
export function checkInclusion(c: Crypto, hash: Uint8Array, index: number, checkpoint: Checkpoint, proofHex: readonly string[]): void {
  let proof: Uint8Array[];
  try {
    proof = proofHex.map((h) => fromHex(h));
  } catch (err) {
    throw new ReceiptError('INCLUSION_INVALID', 'the inclusion proof is not hex', { cause: err });
  }
  const verdict = verifyInclusion(c, { leafHash: hash, index, size: checkpoint.size, proof, root: checkpoint.rootHash });
  if (!verdict.ok) throw new ReceiptError('INCLUSION_INVALID', `entry ${index} is not proven in the checkpoint of size ${checkpoint.size}: ${verdict.reason}`);
}
