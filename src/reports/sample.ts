/**
 * Verifiable audit samples (contract, "Control reports", Samples). The seed binds the period,
 * the control, the auditor's nonce and the close's root, so neither the ledger (which cannot know
 * the nonce, chosen after the close) nor the auditor (who cannot change the root) can steer it.
 * Selection keeps the `size` smallest scores seen so far: memory is bounded by `size`, not by
 * the population.
 */
import type { Crypto } from '../crypto/types.js';
import { fromHex, toHex, utf8 } from '../crypto/bytes.js';

export const MAX_SAMPLE_SIZE = 1000;
export const MAX_NONCE_LENGTH = 128;
const NONCE = /^[\x21-\x7e]{1,128}$/;

export interface SampleItem {
  index: number;
  /** Lowercase hex. */
  leafHash: string;
}

export function isValidNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

/** SHA-256 of `evidence-ledger/sample/v1\n<period>\n<controlId>\n<nonce>\n<root hex>\n`. */
export function sampleSeed(c: Crypto, period: string, controlId: string, nonce: string, rootHex: string): Uint8Array {
  return c.sha256(utf8(`evidence-ledger/sample/v1\n${period}\n${controlId}\n${nonce}\n${rootHex.toLowerCase()}\n`));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export class SampleSelector {
  /** Kept sorted by ascending score, at most `size` long. */
  private readonly kept: { score: Uint8Array; item: SampleItem }[] = [];

  constructor(
    private readonly c: Crypto,
    private readonly seed: Uint8Array,
    private readonly size: number,
  ) {}

  /** Offers one population entry. */
  add(item: SampleItem): void {
    const score = this.c.sha256(this.seed, fromHex(item.leafHash));
    const kept = this.kept;
    if (kept.length === this.size && compareBytes(score, kept[kept.length - 1]!.score) >= 0) return;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareBytes(kept[mid]!.score, score) <= 0) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, { score, item: { index: item.index, leafHash: item.leafHash } });
    if (kept.length > this.size) kept.pop();
  }

  /** The sample, by ascending score. */
  result(): SampleItem[] {
    return this.kept.map((k) => k.item);
  }
}

export interface Sample {
  period: string;
  controlId: string;
  nonce: string;
  size: number;
  anchor: { treeSize: number; rootHash: string };
  seed: string;
  sample: SampleItem[];
}

/** The whole sample of a population at once. */
export function drawSample(
  c: Crypto,
  q: { period: string; controlId: string; nonce: string; size: number; anchor: { treeSize: number; rootHash: string } },
  population: Iterable<SampleItem>,
): Sample {
  const seed = sampleSeed(c, q.period, q.controlId, q.nonce, q.anchor.rootHash);
  const selector = new SampleSelector(c, seed, q.size);
  for (const item of population) selector.add(item);
  return { period: q.period, controlId: q.controlId, nonce: q.nonce, size: q.size, anchor: q.anchor, seed: toHex(seed), sample: selector.result() };
}
