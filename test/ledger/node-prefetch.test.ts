import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';
import { withPrefetchedNodes } from '../../src/ledger/node-prefetch.js';
import { consistencyProof, inclusionProof } from '../../src/merkle/index.js';
import { approval, openTestLedger, type TestLedger } from '../support/ledger.js';

const SIZE = 300;
let t: TestLedger;

beforeAll(async () => {
  t = openTestLedger();
  await t.ledger.append('test-writer', Array.from({ length: SIZE }, (_, i) => approval(i) as EvidenceRecord));
});
afterAll(() => t.cleanup());

describe('proof nodes read in one batch', () => {
  it('gives exactly the proofs read node by node, and reads no node one at a time', () => {
    const log = t.store.log;
    const single = log.getNode.bind(log);
    let oneByOne = 0;
    log.getNode = (level, index) => (oneByOne++, single(level, index));
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: SIZE }), fc.integer({ min: 1, max: SIZE }), (a, b) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          const direct = { getNode: single };
          expect(withPrefetchedNodes(log, (r) => inclusionProof(c, m - 1, n, r))).toEqual(inclusionProof(c, m - 1, n, direct));
          expect(withPrefetchedNodes(log, (r) => consistencyProof(c, m, n, r))).toEqual(consistencyProof(c, m, n, direct));
        }),
        { numRuns: 300 },
      );
      expect(oneByOne).toBe(0);
    } finally {
      log.getNode = single;
    }
  });

  it('fails as before when a node is missing', () => {
    expect(() => withPrefetchedNodes(t.store.log, (r) => inclusionProof(c, 5, SIZE + 10, r))).toThrow(/missing/);
  });
});
