/**
 * Offline check of one C2SP tlog-proof (c2sp.org/tlog-proof@v1) as the ledger serves it:
 * its `extra` line carries the entry's exact leaf bytes, so the text alone and the verifier
 * key prove the entry. The extra data is not authenticated by itself (tlog-proof §Format):
 * it is hashed (RFC 9162 §2.1.1) and that hash is proved against the signed root (§2.1.3.2).
 * Never throws.
 */
import type { Crypto } from '../crypto/types.js';
import { nobleCrypto } from '../crypto/noble.js';
import { toHex } from '../crypto/bytes.js';
import { leafHash, verifyInclusion } from '../merkle/index.js';
import { decodeLeaf, type EntryEnvelope } from '../evidence/index.js';
import { parseTlogProof, type VerifierKey, type WitnessPolicy } from '../note/index.js';
import { messageOf, verifyCheckpointText } from './checkpoint.js';
import { problemAnswerIn } from './saved-answer.js';
import { problem, proofProblem, type Problem, type TreeHead } from './report.js';

export interface TlogProofReport {
  ok: boolean;
  /** The entry index the proof claims, when the text parses. */
  index: number | null;
  /** The signed checkpoint the proof leads to, once its signature verified. */
  checkpoint: TreeHead | null;
  /** SHA-256(0x00 || leaf) of the extra bytes. */
  leafHash: string | null;
  /** The decoded entry envelope, when the leaf bytes are a canonical one. */
  entry: EntryEnvelope | null;
  problems: Problem[];
}

export function verifyTlogProofText(
  c: Crypto = nobleCrypto,
  text: string | Uint8Array,
  verifierKey: string | VerifierKey,
  opts: { policy?: WitnessPolicy } = {},
): TlogProofReport {
  const report: TlogProofReport = { ok: false, index: null, checkpoint: null, leafHash: null, entry: null, problems: [] };
  let parsed;
  try {
    parsed = parseTlogProof(text);
  } catch (err) {
    report.problems.push(problem('BAD_SHAPE', problemAnswerIn(text, 'a C2SP tlog-proof') ?? `not a C2SP tlog-proof: ${messageOf(err)}`));
    return report;
  }
  report.index = parsed.index;
  const opened = verifyCheckpointText(c, parsed.checkpointNote, verifierKey, opts.policy ? { policy: opts.policy } : {});
  if (opened.ok) report.checkpoint = { treeSize: opened.checkpoint.treeSize, rootHash: opened.checkpoint.rootHash };
  else report.problems.push(opened.problem);

  if (parsed.extra === undefined) {
    report.problems.push(problem('BAD_SHAPE', 'the proof has no extra line, so it carries no leaf bytes to prove'));
    return report;
  }
  const hash = leafHash(c, parsed.extra);
  report.leafHash = toHex(hash);
  try {
    report.entry = decodeLeaf(parsed.extra);
    if (report.entry.index !== parsed.index) {
      report.problems.push(problem('INDEX_MISMATCH', `the leaf says index ${report.entry.index}, the proof says ${parsed.index}`));
    }
  } catch (err) {
    report.problems.push(problem('BAD_LEAF', `extra is not a canonical version 1 entry envelope: ${messageOf(err)}`));
  }
  if (opened.ok) {
    const { treeSize, root } = opened.checkpoint;
    const verdict = verifyInclusion(c, { leafHash: hash, index: parsed.index, size: treeSize, proof: parsed.proof, root });
    if (!verdict.ok) report.problems.push(proofProblem('BAD_INCLUSION', verdict, `inclusion in the tree of size ${treeSize}`));
  }
  report.ok = report.problems.length === 0;
  return report;
}
