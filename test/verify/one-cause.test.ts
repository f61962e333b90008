/**
 * Issue 13: one edited record is one failure (not also the next entry's BROKEN_CHAIN), and a
 * check that cannot be carried out says "could not check", never "tampered".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { Crypto } from '../../src/crypto/types.js';
import { verifyInclusion, verifyConsistency } from '../../src/merkle/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import type { TestLedger } from '../support/ledger.js';
import { fetchBundle, quarterScenario, verifierKeyOf as keyOf } from './scenario.js';
import { clone, codesOf } from './tamper.js';

let t: TestLedger;
let key: string;
let latest: any; // no period, no filters: every entry, chained

beforeAll(async () => {
  t = await quarterScenario();
  key = keyOf(t);
  latest = (await fetchBundle(t)).bundle;
});
afterAll(() => t.cleanup());

/** The bundle with entry `at`'s record changed as an editor of the database would: leaf and leaf hash redone. */
function editRecord(bundle: any, at: number): any {
  const b = clone(bundle);
  const leaf = Buffer.from(b.entries[at].leaf, 'base64').toString('utf8');
  const edited = leaf.replace(/"controlId":"([^"]*)"/, '"controlId":"$1X"');
  expect(edited).not.toBe(leaf);
  const bytes = Buffer.from(edited, 'utf8');
  b.entries[at].leaf = bytes.toString('base64');
  b.entries[at].leafHash = nodeCrypto.sha256(Buffer.concat([Buffer.of(0), bytes])).reduce((s: string, x: number) => s + x.toString(16).padStart(2, '0'), '');
  return b;
}

describe('one cause, reported once', () => {
  it('reports an edited record as one failed entry, and its successor as fine', () => {
    const at = 2;
    const report = verifyBundle(nodeCrypto, editRecord(latest, at), key);
    expect(report.ok).toBe(false);
    const failed = report.entries.filter((e) => !e.ok);
    expect(failed.map((e) => e.index)).toEqual([latest.entries[at].index]);
    expect(codesOf(report).has('BROKEN_CHAIN')).toBe(false);
    expect(report.summary.failures).toBe(1);
  });
});

describe('could not check is not tampered', () => {
  const throwing: Crypto = {
    ...nodeCrypto,
    sha256: () => {
      throw new Error('provider broke');
    },
  };
  const h = new Uint8Array(32);

  it('answers CHECK_FAILED, not ROOT_MISMATCH, when a proof cannot be checked', () => {
    const inclusion = verifyInclusion(throwing, { leafHash: h, index: 0, size: 2, proof: [h], root: h });
    expect(inclusion).toMatchObject({ ok: false, code: 'CHECK_FAILED' });
    const consistency = verifyConsistency(throwing, { oldSize: 1, newSize: 2, oldRoot: h, newRoot: h, proof: [h] });
    expect(consistency).toMatchObject({ ok: false, code: 'CHECK_FAILED' });
  });

  it('reports entries it could not check as CHECK_FAILED, never as BAD_INCLUSION', () => {
    // Hashing works for the checkpoints and leaf hashes, then breaks for interior nodes.
    const nodeBreaks: Crypto = {
      ...nodeCrypto,
      sha256: (...chunks: Uint8Array[]) => {
        if (chunks.length === 1 && chunks[0]!.length === 65 && chunks[0]![0] === 1) throw new Error('provider broke');
        return nodeCrypto.sha256(...chunks);
      },
    };
    const report = verifyBundle(nodeBreaks, latest, key);
    expect(report.ok).toBe(false);
    const codes = codesOf(report);
    expect(codes.has('CHECK_FAILED')).toBe(true);
    expect(codes.has('BAD_INCLUSION')).toBe(false);
    expect(codes.has('BAD_CONSISTENCY')).toBe(false);
  });
});
