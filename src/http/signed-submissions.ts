/**
 * Signed submissions (README, "Signed submissions"): a source that registered an Ed25519 key
 * sends, in the `Evidence-Signature` header, one detached signature per record (RFC 8032,
 * standard base64, comma-separated in record order for a batch) over the UTF-8 of the record's
 * RFC 8785 canonical JSON, which is the text the entry's `record` member holds. Checked here,
 * before sequencing; the sequencer then refuses the submission if the key changed meanwhile.
 */
import { nodeCrypto } from '../crypto/node.js';
import { fromBase64, toBase64, utf8 } from '../crypto/bytes.js';
import { recordCanonicalJson, type EvidenceRecord } from '../evidence/index.js';
import { LedgerError } from '../ledger/errors.js';
import type { Submission } from '../ledger/sequencer.js';

export const SIGNATURE_HEADER = 'Evidence-Signature';
/** Far above 1,000 signatures of 88 characters each (a full batch), far below what could hurt. */
const MAX_SIGNATURES = 10_000;

/** The verified signatures for `records`, undefined for a source without a key; throws a LedgerError otherwise. */
export function checkSignatures(
  key: Uint8Array | undefined,
  source: string,
  records: readonly EvidenceRecord[],
  header: string | undefined,
): Submission['signed'] {
  if (key === undefined) {
    if (header !== undefined) {
      throw new LedgerError('SIGNATURE_INVALID', `source ${source} has no registered signing key, so ${SIGNATURE_HEADER} cannot be checked; register a key first or leave the header out`, SIGNATURE_HEADER);
    }
    return undefined;
  }
  if (header === undefined) {
    throw new LedgerError('SIGNATURE_REQUIRED', `source ${source} has a registered signing key: send ${SIGNATURE_HEADER} with one signature per record`, SIGNATURE_HEADER);
  }
  const signatures = header.split(',', MAX_SIGNATURES + 1).map((s) => s.trim());
  if (signatures.length !== records.length) {
    throw new LedgerError('SIGNATURE_INVALID', `${SIGNATURE_HEADER} holds ${signatures.length} signature(s) for ${records.length} record(s)`, SIGNATURE_HEADER);
  }
  // Kept re-encoded, so the entry holds the one canonical base64 text of the 64 bytes.
  const kept = records.map((record, i) => {
    const sig = fromBase64(signatures[i]!);
    const ok = sig?.length === 64 && nodeCrypto.ed25519Verify(key, utf8(recordCanonicalJson(record)), sig);
    if (!ok) {
      const which = records.length === 1 ? 'the record' : `record ${i}`;
      throw new LedgerError('SIGNATURE_INVALID', `the signature for ${which} does not verify under source ${source}'s registered key`, SIGNATURE_HEADER);
    }
    return toBase64(sig);
  });
  return { signatures: kept, signedWith: key };
}
