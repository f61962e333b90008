/**
 * Completeness of a control's history (docs/completeness.md). Each control's entries, in index
 * order, fold into a chain value: chain_0 = 32 zero bytes, chain_k = SHA-256(chain_{k-1} ||
 * leafHash_k). The heads of all controls at a tree size, sorted by controlId, are the leaves of an
 * RFC 9162 §2.1 Merkle tree (leaf = RFC 8785 JSON `[controlId, count, chainHex]`), whose size and
 * root every checkpoint note carries as one C2SP tlog-checkpoint extension line:
 *
 *   evidence-ledger/control-heads/v1 <number of controls> <base64 root>
 *
 * The note's signature covers it, so a bundle that leaves out, adds or reorders an entry of the
 * control cannot reproduce the signed head; a control with no entries is shown absent by the
 * two neighbouring heads. Standard checkpoint verifiers ignore the line.
 */
import type { Crypto } from '../crypto/types.js';
import { fromBase64, fromHex, toBase64, toHex, utf8 } from '../crypto/bytes.js';
import { canonicalJson } from '../evidence/canonical.js';
import { inclusionProof, leafHash, MemoryNodeReader, rootOfLeafHashes, verifyInclusion } from '../merkle/index.js';

export const HEADS_LINE_PREFIX = 'evidence-ledger/control-heads/v1';
export const CHAIN_START: Uint8Array = new Uint8Array(32);

export interface ControlHead {
  controlId: string;
  count: number;
  chain: Uint8Array;
}

/** The heads commitment a checkpoint carries. */
export interface HeadsCommitment {
  controls: number;
  root: Uint8Array;
}

/** One head shown in a bundle, with its RFC 9162 inclusion proof in the heads tree. */
export interface ShownHead {
  position: number;
  controlId: string;
  count: number;
  /** Lowercase hex. */
  chain: string;
  proof: string[];
}

/** Contract-free, ours: what a report bundle carries to prove its control's history complete. */
export interface CompletenessProof {
  /** Number of controls in the heads tree (the checkpoint line's first number). */
  controls: number;
  /** The control's own head, or for a control with no entries its neighbours (none, one or two). */
  heads: ShownHead[];
}

export function extendChain(c: Crypto, chain: Uint8Array, leafHashBytes: Uint8Array): Uint8Array {
  return c.sha256(chain, leafHashBytes);
}

/** JavaScript's default string order: UTF-16 code units, as RFC 8785 sorts members. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function headLeaf(head: ControlHead): Uint8Array {
  return utf8(canonicalJson([head.controlId, head.count, toHex(head.chain)]));
}

/** `heads` sorted by controlId, each once. */
export function headsCommitment(c: Crypto, heads: readonly ControlHead[]): HeadsCommitment {
  return { controls: heads.length, root: rootOfLeafHashes(c, heads.map((h) => leafHash(c, headLeaf(h)))) };
}

export function formatHeadsLine(commitment: HeadsCommitment): string {
  return `${HEADS_LINE_PREFIX} ${commitment.controls} ${toBase64(commitment.root)}`;
}

/**
 * The commitment among a checkpoint's extension lines: undefined when none carries it (a note
 * signed before this feature); throws when one is malformed or there are several.
 */
export function findHeadsLine(extensions: readonly string[]): HeadsCommitment | undefined {
  const lines = extensions.filter((l) => l.startsWith(`${HEADS_LINE_PREFIX} `));
  if (lines.length === 0) return undefined;
  if (lines.length > 1) throw new Error('the checkpoint carries more than one control-heads line');
  const m = /^(0|[1-9]\d{0,15}) ([A-Za-z0-9+/]{43}=)$/.exec(lines[0]!.slice(HEADS_LINE_PREFIX.length + 1));
  const root = m ? fromBase64(m[2]!) : undefined;
  if (!m || !root || root.length !== 32 || !Number.isSafeInteger(Number(m[1]))) throw new Error(`malformed control-heads line: ${lines[0]}`);
  return { controls: Number(m[1]), root };
}

/** What a bundle carries for `controlId`, from all heads at the anchor (sorted by controlId). */
export function completenessProof(c: Crypto, heads: readonly ControlHead[], controlId: string): CompletenessProof {
  const reader = MemoryNodeReader.fromLeafHashes(c, heads.map((h) => leafHash(c, headLeaf(h))));
  const show = (position: number): ShownHead => {
    const h = heads[position]!;
    const proof = inclusionProof(c, position, heads.length, reader).map(toHex);
    return { position, controlId: h.controlId, count: h.count, chain: toHex(h.chain), proof };
  };
  // First position whose id is >= controlId.
  let at = 0;
  while (at < heads.length && compareIds(heads[at]!.controlId, controlId) < 0) at++;
  if (at < heads.length && heads[at]!.controlId === controlId) return { controls: heads.length, heads: [show(at)] };
  const shown: ShownHead[] = [];
  if (at > 0) shown.push(show(at - 1));
  if (at < heads.length) shown.push(show(at));
  return { controls: heads.length, heads: shown };
}

export type CompletenessVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks that `seen` (count and chain folded over the bundle's entries of `controlId`, in index
 * order) is the control's head under the signed commitment, or that the control has no head
 * there and `seen` is empty.
 */
export function verifyCompleteness(
  c: Crypto,
  proof: CompletenessProof,
  signed: HeadsCommitment,
  controlId: string,
  seen: { count: number; chain: Uint8Array },
): CompletenessVerdict {
  const fail = (reason: string): CompletenessVerdict => ({ ok: false, reason });
  if (proof.controls !== signed.controls) return fail(`the proof counts ${proof.controls} controls, the checkpoint ${signed.controls}`);
  for (const h of proof.heads) {
    let chain: Uint8Array;
    try {
      chain = fromHex(h.chain);
    } catch {
      return fail(`head of ${JSON.stringify(h.controlId)} has a malformed chain`);
    }
    const verdict = verifyInclusion(c, {
      leafHash: leafHash(c, headLeaf({ controlId: h.controlId, count: h.count, chain })),
      index: h.position,
      size: signed.controls,
      proof: h.proof.map((p) => (/^[0-9a-f]{64}$/.test(p) ? fromHex(p) : new Uint8Array(0))),
      root: signed.root,
    });
    if (!verdict.ok) return fail(`head of ${JSON.stringify(h.controlId)} is not in the signed control heads: ${verdict.reason}`);
  }
  const own = proof.heads.find((h) => h.controlId === controlId);
  if (own) {
    if (proof.heads.length !== 1) return fail('a present control is proved by its own head alone');
    if (own.count !== seen.count) return fail(`the signed head counts ${own.count} entries of ${controlId}, the bundle has ${seen.count}`);
    if (own.chain !== toHex(seen.chain)) return fail(`the entries of ${controlId} in the bundle do not chain to the signed head (an entry was left out, added or changed)`);
    return { ok: true };
  }
  // Absent: the neighbours must bracket controlId with nothing between them.
  if (seen.count !== 0) return fail(`the signed heads have no entry of ${controlId}, the bundle has ${seen.count}`);
  const [a, b] = proof.heads;
  const below = a && compareIds(a.controlId, controlId) < 0 ? a : undefined;
  const above = [a, b].find((h) => h !== undefined && compareIds(h.controlId, controlId) > 0);
  if (proof.heads.length !== (below ? 1 : 0) + (above ? 1 : 0)) return fail('neighbouring heads are not in order');
  const lowOk = below ? below.position + 1 === (above ? above.position : signed.controls) : (above?.position ?? 0) === 0;
  const highOk = above ? above.position === (below ? below.position + 1 : 0) : (below?.position ?? -1) === signed.controls - 1;
  if (!lowOk || !highOk) return fail(`the heads shown do not prove that ${controlId} has no entries`);
  return { ok: true };
}

