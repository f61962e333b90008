/**
 * verifyBundle on bundles produced by the real service (HTTP, SQLite, signed closes), and on
 * every tampered variant we could think of. Expected indexes, sizes and hashes come from the
 * scenario's own bookkeeping and node:crypto, never from the code under test.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatVerifierKey, generateSignerKey, parseCheckpoint, signCheckpoint, verifierKeyOf } from '../../src/note/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import type { TestLedger } from '../support/ledger.js';
import { testSigner } from '../support/ledger.js';
import { CONTROL_OF_INDEX, Q3_CLOSE_SIZE, Q3_FIRST_INDEX, TOTAL_ENTRIES, fetchBundle, quarterScenario, verifierKeyOf as keyOf } from './scenario.js';
import { clone, codesOf, entryCodes, flipBase64Byte, flipHex } from './tamper.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const sha256hex = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

let t: TestLedger;
let key: string;
let q3: any; // 2026-Q3, no record filters
let latest: any; // no period, no filters
let q3Control: any; // 2026-Q3, controlId ITGC-AC-04 and system sap-fi-prod (a filtered bundle)
let q3Report: any; // 2026-Q3, controlId ITGC-AC-04 alone (a report bundle)

beforeAll(async () => {
  t = await quarterScenario();
  key = keyOf(t);
  q3 = (await fetchBundle(t, { period: '2026-Q3' })).bundle;
  latest = (await fetchBundle(t)).bundle;
  q3Control = (await fetchBundle(t, { period: '2026-Q3', controlId: 'ITGC-AC-04', system: 'sap-fi-prod' })).bundle;
  q3Report = (await fetchBundle(t, { period: '2026-Q3', controlId: 'ITGC-AC-04' })).bundle;
});
afterAll(() => t.cleanup());

const verify = (bundle: unknown, k = key) => verifyBundle(nodeCrypto, bundle, k);

describe('genuine bundles', () => {
  it('verifies a period bundle: the entries received in the period, proved against its close', () => {
    const report = verify(q3);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries.map((e) => e.index)).toEqual(range(Q3_FIRST_INDEX, Q3_CLOSE_SIZE));
    expect(report.entries.every((e) => e.ok)).toBe(true);
    expect(report.summary).toMatchObject({ ok: true, entries: 4, failures: 0, period: '2026-Q3', complete: true });
    expect(report.summary.anchor?.treeSize).toBe(Q3_CLOSE_SIZE);
    expect(report.summary.latest?.treeSize).toBe(TOTAL_ENTRIES);
  });

  it('reports late entries: index 3 occurred in Q2 and was received in Q3', () => {
    const report = verify(q3);
    expect(report.entries.filter((e) => e.late).map((e) => e.index)).toEqual([3]);
    expect(report.summary.late).toBe(1);
  });

  it('verifies a bundle against the latest checkpoint, with every entry and an empty consistency proof', () => {
    const report = verify(latest);
    expect(report.ok).toBe(true);
    expect(report.entries.map((e) => e.index)).toEqual(range(0, TOTAL_ENTRIES));
    expect(latest.consistency).toEqual({ from: TOTAL_ENTRIES, to: TOTAL_ENTRIES, proof: [] });
  });

  it('verifies a filtered bundle: only the matching entries of the period', () => {
    const report = verify(q3Control);
    expect(report.ok).toBe(true);
    const expected = range(Q3_FIRST_INDEX, Q3_CLOSE_SIZE).filter((i) => CONTROL_OF_INDEX[i] === 'ITGC-AC-04');
    expect(report.entries.map((e) => e.index)).toEqual(expected);
    expect(report.summary.complete).toBe(false);
  });

  it('carries leaf hashes that are SHA-256(0x00 || leaf) by an independent hash', () => {
    for (const e of latest.entries) expect(e.leafHash).toBe(sha256hex(Uint8Array.of(0), Buffer.from(e.leaf, 'base64')));
  });

  it('verifies the same with the portable noble crypto as with node:crypto', () => {
    expect(verifyBundle(undefined, q3, key).ok).toBe(true);
  });

  it('pins the period with its boundary entries: the last before the start, the first after the end', () => {
    expect(q3.period.before.index).toBe(Q3_FIRST_INDEX - 1);
    expect(q3.period.after.index).toBe(Q3_CLOSE_SIZE);
  });
});

describe('tampered entries', () => {
  it('rejects a flipped leaf byte (hash and inclusion fail)', () => {
    const b = clone(q3);
    b.entries[1].leaf = flipBase64Byte(b.entries[1].leaf, 40);
    const report = verify(b);
    expect(report.ok).toBe(false);
    expect(entryCodes(report, 3)).toEqual(expect.arrayContaining(['BAD_LEAF_HASH', 'BAD_INCLUSION']));
    expect(report.entries.filter((e) => !e.ok).map((e) => e.index)).toContain(3);
  });

  it('rejects a flipped leaf byte even when the leaf hash is recomputed to match', () => {
    const b = clone(q3);
    b.entries[1].leaf = flipBase64Byte(b.entries[1].leaf, 40);
    b.entries[1].leafHash = sha256hex(Uint8Array.of(0), Buffer.from(b.entries[1].leaf, 'base64'));
    const codes = entryCodes(verify(b), 3);
    expect(codes).toContain('BAD_INCLUSION');
    expect(codes).not.toContain('BAD_LEAF_HASH');
  });

  it('rejects a changed leafHash', () => {
    const b = clone(q3);
    b.entries[0].leafHash = flipHex(b.entries[0].leafHash, 10);
    expect(entryCodes(verify(b), 2)).toEqual(['BAD_LEAF_HASH']);
  });

  it('rejects a proof hash flipped, dropped or added', () => {
    const flipped = clone(q3);
    flipped.entries[2].proof[0] = flipHex(flipped.entries[2].proof[0]);
    const dropped = clone(q3);
    dropped.entries[2].proof.pop();
    const extra = clone(q3);
    extra.entries[2].proof.push('ab'.repeat(32));
    for (const b of [flipped, dropped, extra]) {
      const report = verify(b);
      expect(report.ok).toBe(false);
      expect(entryCodes(report, 4)).toEqual(['BAD_INCLUSION']);
    }
  });

  it('rejects an entry whose index was changed', () => {
    const b = clone(q3Control); // indexes 2, 3, 5
    b.entries[1].index = 4;
    const codes = entryCodes(verify(b), 4);
    expect(codes).toEqual(expect.arrayContaining(['INDEX_MISMATCH', 'BAD_INCLUSION']));
  });

  it('rejects two entries swapped', () => {
    const b = clone(q3);
    [b.entries[1], b.entries[2]] = [b.entries[2], b.entries[1]];
    const report = verify(b);
    expect(report.ok).toBe(false);
    expect(entryCodes(report, 3)).toContain('OUT_OF_ORDER');
  });

  it('rejects a bundle without record filters that lacks an entry (middle, first or last)', () => {
    const middle = clone(q3);
    middle.entries.splice(1, 1);
    expect(entryCodes(verify(middle), 4)).toContain('MISSING_ENTRY');
    const first = clone(q3);
    first.entries.shift();
    expect(entryCodes(verify(first), 3)).toContain('MISSING_ENTRY');
    const last = clone(latest);
    last.entries.pop();
    const report = verify(last);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['MISSING_ENTRY']);
  });

  it('cannot tell an entry left out of a filtered bundle: what remains still verifies (documented limit)', () => {
    const b = clone(q3Control); // indexes 2, 3, 5
    b.entries.splice(1, 1);
    const report = verify(b);
    expect(report.ok).toBe(true);
    expect(report.summary.complete).toBe(false);
  });

  it('tells an entry left out of a report bundle (period and controlId alone): the signed control head no longer matches', () => {
    expect(q3Report.entries.map((e: { index: number }) => e.index)).toEqual([0, 2, 3, 5]); // the history, from the first entry
    expect(verify(q3Report).ok).toBe(true);
    expect(verify(q3Report).summary.complete).toBe(true);
    const b = clone(q3Report);
    b.entries.splice(1, 1);
    const report = verify(b);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('INCOMPLETE_HISTORY');
  });

  it('rejects a late flag that the leaf does not support', () => {
    const b = clone(q3);
    b.entries[1].late = false; // entry 3 is late
    expect(entryCodes(verify(b), 3)).toEqual(['LATE_MISMATCH']);
  });

  it('rejects entries that do not match the stated query', () => {
    const b = clone(q3Control);
    b.query.controlId = 'ITGC-AC-07';
    const report = verify(b);
    expect(report.entries.every((e) => e.problems.some((p) => p.code === 'QUERY_MISMATCH'))).toBe(true);
  });

  it('rejects an entry beyond the anchor tree', () => {
    const b = clone(q3);
    b.entries.push(clone(latest.entries[Q3_CLOSE_SIZE]));
    expect(entryCodes(verify(b), Q3_CLOSE_SIZE)).toContain('OUTSIDE_TREE');
  });

  it('rejects a malformed entry without throwing', () => {
    const b = clone(q3);
    b.entries[0] = { index: 2, leaf: 42 };
    expect(entryCodes(verify(b), 2)).toEqual(['BAD_SHAPE']);
  });
});

describe('tampered checkpoints and proofs', () => {
  it('rejects a checkpoint forged with another key of the same name', () => {
    const forger = generateSignerKey(nodeCrypto, t.signer.name, nodeCrypto.sha256(new TextEncoder().encode('forger')));
    const b = clone(q3);
    b.anchor.checkpoint = signCheckpoint(nodeCrypto, parseCheckpoint(b.anchor.checkpoint.split('\n\n')[0] + '\n'), forger);
    const report = verify(b);
    expect(report.problems.map((p) => p.code)).toContain('BAD_CHECKPOINT');
    expect(report.entries.every((e) => e.problems.some((p) => p.code === 'UNTRUSTED_ANCHOR'))).toBe(true);
  });

  it('rejects a checkpoint with another root, even signed by the real key', () => {
    const b = clone(q3);
    const body = parseCheckpoint(b.anchor.checkpoint.split('\n\n')[0] + '\n');
    const otherRoot = nodeCrypto.sha256(new TextEncoder().encode('another tree'));
    b.anchor.checkpoint = signCheckpoint(nodeCrypto, { ...body, rootHash: otherRoot }, t.signer);
    const codes = codesOf(verify(b));
    expect(codes).toContain('BAD_CONSISTENCY');
    expect(codes).toContain('BAD_INCLUSION');
  });

  it('rejects a checkpoint whose text was edited after signing', () => {
    const b = clone(q3);
    const [origin, size, root, ...rest] = b.anchor.checkpoint.split('\n');
    const otherRoot = Buffer.from(nodeCrypto.sha256(new TextEncoder().encode('x'))).toString('base64');
    expect(root).not.toBe(otherRoot);
    b.anchor.checkpoint = [origin, size, otherRoot, ...rest].join('\n');
    expect(verify(b).problems.map((p) => p.code)).toContain('BAD_CHECKPOINT');
  });

  it('rejects a consistency proof flipped or cut short', () => {
    const flipped = clone(q3);
    flipped.consistency.proof[0] = flipHex(flipped.consistency.proof[0]);
    const short = clone(q3);
    short.consistency.proof.pop();
    for (const b of [flipped, short]) expect(verify(b).problems.map((p) => p.code)).toEqual(['BAD_CONSISTENCY']);
  });

  it('rejects a latest checkpoint swapped for the anchor (sizes no longer match the proof)', () => {
    const b = clone(q3);
    b.latest = clone(b.anchor);
    expect(verify(b).ok).toBe(false);
  });

  it('rejects a declared size that differs from the signed one', () => {
    const b = clone(q3);
    b.anchor.treeSize = Q3_CLOSE_SIZE - 1;
    expect(codesOf(verify(b))).toContain('SIZE_MISMATCH');
  });
});

describe('keys', () => {
  it('rejects the bundle under a wrong verifier key', () => {
    const other = formatVerifierKey(verifierKeyOf(testSigner('some other log key')));
    const codes = verify(q3, other).problems.map((p) => p.code);
    expect(codes).toContain('BAD_CHECKPOINT');
    expect(codes).toContain('KEY_DIFFERS');
  });

  it('reports a bundle that names another key than the auditor’s, even when the signatures verify', () => {
    const b = clone(q3);
    b.verifierKey = formatVerifierKey(verifierKeyOf(testSigner('some other log key')));
    const report = verify(b);
    expect(report.problems.map((p) => p.code)).toEqual(['KEY_DIFFERS']);
    expect(report.summary.anchor).not.toBeNull();
  });

  it('rejects a malformed verifier key', () => {
    expect(verify(q3, 'not a key').problems.map((p) => p.code)).toContain('BAD_KEY');
  });
});

describe('periods', () => {
  it('rejects a period whose close size differs from the anchor', () => {
    const b = clone(q3);
    b.period.treeSize = Q3_CLOSE_SIZE + 1;
    expect(verify(b).problems.map((p) => p.code)).toContain('PERIOD_MISMATCH');
  });

  it('rejects period bounds that are not the id’s', () => {
    const b = clone(q3);
    b.period.end = '2026-12-31T00:00:00.000Z';
    expect(verify(b).problems.map((p) => p.code)).toContain('PERIOD_MISMATCH');
  });

  it('rejects a query and a period that disagree', () => {
    const b = clone(q3);
    b.query.period = '2026-Q2';
    expect(verify(b).problems.map((p) => p.code)).toContain('PERIOD_MISMATCH');
  });

  it('rejects a producer that hides the first entries of the period by moving its start', () => {
    const b = clone(q3);
    b.entries.shift(); // drop entry 2 ...
    b.period.firstIndex = Q3_FIRST_INDEX + 1; // ... and claim the period starts at 3
    b.period.before = clone(q3.entries[0]); // entry 2, received in Q3, posing as the last before it
    const report = verify(b);
    expect(report.problems.map((p) => p.code)).toContain('BAD_BOUNDARY');
  });

  it('rejects a missing boundary entry', () => {
    const noBefore = clone(q3);
    noBefore.period.before = null;
    const noAfter = clone(q3);
    noAfter.period.after = null;
    for (const b of [noBefore, noAfter]) expect(verify(b).problems.map((p) => p.code)).toEqual(['BAD_BOUNDARY']);
  });

  it('rejects an after-boundary received before the end', () => {
    const b = clone(q3);
    b.period.after = clone(q3.entries[3]); // entry 5, received in Q3
    expect(verify(b).problems.map((p) => p.code)).toContain('BAD_BOUNDARY');
  });

  it('uses the auditor’s fiscal year start over the bundle’s when they differ', () => {
    const report = verifyBundle(nodeCrypto, q3, key, undefined, { fiscalYearStart: 4 });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain('PERIOD_MISMATCH');
  });
});

describe('format', () => {
  it('rejects another version or format', () => {
    expect(verify({ ...q3, version: 2 }).problems.map((p) => p.code)).toEqual(['UNSUPPORTED_VERSION']);
    expect(verify({ ...q3, format: 'something-else' }).problems.map((p) => p.code)).toEqual(['UNSUPPORTED_VERSION']);
  });

  it('rejects unknown or missing members', () => {
    expect(verify({ ...q3, extra: 1 }).problems.map((p) => p.code)).toContain('BAD_SHAPE');
    const { consistency: _c, ...missing } = q3;
    expect(verify(missing).problems.map((p) => p.code)).toContain('BAD_SHAPE');
    const { entries: _e, ...noEntries } = q3;
    expect(verify(noEntries).ok).toBe(false);
  });

  it('answers a report, never an exception, for values that are not bundles', () => {
    for (const v of [null, undefined, 42, 'bundle', [], {}, { entries: 'x' }]) {
      const report = verify(v);
      expect(report.ok).toBe(false);
      expect(report.problems.length).toBeGreaterThan(0);
    }
  });
});
