/**
 * Builds bundles by hand, outside the service, for logs that misbehave in ways the real
 * ledger never would (a broken hash chain, time going backwards, a close at the wrong size),
 * all properly signed, so only the verifier's semantic checks can catch them.
 * Leaves are canonicalised with the `canonicalize` package and hashed with node:crypto.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { nodeCrypto } from '../../src/crypto/node.js';
import { MemoryNodeReader, consistencyProof, inclusionProof, rootAt } from '../../src/merkle/index.js';
import { formatVerifierKey, signCheckpoint, verifierKeyOf, type SignerKey } from '../../src/note/index.js';
import { isLate } from '../../src/evidence/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leafHashOf = (leaf: Uint8Array) => new Uint8Array(createHash('sha256').update(Buffer.concat([Buffer.of(0), leaf])).digest());

export interface Envelope {
  v: 1;
  index: number;
  prev: string;
  receivedAt: string;
  source: string;
  record: Record<string, unknown>;
}

/** A well-formed chain: entry i at receivedAts[i], each prev the leaf hash of the one before. */
export function chain(records: Record<string, unknown>[], receivedAts: string[]): Envelope[] {
  const out: Envelope[] = [];
  let prev = '0'.repeat(64);
  records.forEach((record, index) => {
    const envelope: Envelope = { v: 1, index, prev, receivedAt: receivedAts[index]!, source: 'hand', record };
    out.push(envelope);
    prev = hex(leafHashOf(leafOf(envelope)));
  });
  return out;
}

export function leafOf(envelope: object): Uint8Array {
  return new TextEncoder().encode(canonicalize(envelope)!);
}

export interface BuildOptions {
  signer: SignerKey;
  /** Exact leaf bytes to use instead of the envelope's canonical form, by index. */
  rawLeaves?: Record<number, Uint8Array>;
  /** Size of the anchor (default: all entries); the latest is always all entries. */
  anchorSize?: number;
  period?: { period: string; start: string; end: string; firstIndex: number };
}

export function buildBundle(envelopes: Envelope[], opts: BuildOptions): any {
  const c = nodeCrypto;
  const leaves = envelopes.map((e, i) => opts.rawLeaves?.[i] ?? leafOf(e));
  const hashes = leaves.map(leafHashOf);
  const reader = MemoryNodeReader.fromLeafHashes(c, hashes);
  const size = leaves.length;
  const anchorSize = opts.anchorSize ?? size;
  const note = (n: number) =>
    signCheckpoint(c, { origin: opts.signer.name, size: n, rootHash: rootAt(c, n, reader), extensions: [] }, opts.signer);
  const entry = (i: number, treeSize: number) => ({
    index: i,
    leaf: Buffer.from(leaves[i]!).toString('base64'),
    leafHash: hex(hashes[i]!),
    proof: inclusionProof(c, i, treeSize, reader).map(hex),
    late: isLate(envelopes[i]!.record.occurredAt as string, envelopes[i]!.receivedAt, 1),
  });
  const from = opts.period?.firstIndex ?? 0;
  return {
    format: 'evidence-ledger-bundle',
    version: 1,
    generatedAt: '2026-10-01T00:00:01.000Z',
    origin: opts.signer.name,
    verifierKey: formatVerifierKey(verifierKeyOf(opts.signer)),
    fiscalYearStart: 1,
    query: opts.period ? { period: opts.period.period } : {},
    period: opts.period
      ? {
          ...opts.period,
          treeSize: anchorSize,
          before: from > 0 ? entry(from - 1, anchorSize) : null,
          after: size > anchorSize ? entry(anchorSize, size) : null,
        }
      : null,
    anchor: { treeSize: anchorSize, checkpoint: note(anchorSize) },
    latest: { treeSize: size, checkpoint: note(size) },
    consistency: { from: anchorSize, to: size, proof: anchorSize === size ? [] : consistencyProof(c, anchorSize, size, reader).map(hex) },
    entries: Array.from({ length: anchorSize - from }, (_, k) => entry(from + k, anchorSize)),
  };
}
