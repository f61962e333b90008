/** verifyTlogProofText on tlog-proofs served by the real service, and on tampered ones. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { verifyTlogProofText } from '../../src/verify/index.js';
import { testSigner, type TestLedger } from '../support/ledger.js';
import { Q3_CLOSE_SIZE, TOTAL_ENTRIES, auth, quarterScenario } from './scenario.js';
import { flipBase64Byte } from './tamper.js';

let t: TestLedger;
let key: string;
let latestProof: string;
let closeProof: string;

async function tlogProof(index: number, treeSize?: number): Promise<string> {
  const req = request(t.app).get(`/v1/entries/${index}/tlog-proof`).set(auth(t, 'auditor'));
  const res = await (treeSize === undefined ? req : req.query({ treeSize })).expect(200);
  return res.text;
}

beforeAll(async () => {
  t = await quarterScenario();
  key = t.ledger.key().verifierKey;
  latestProof = await tlogProof(3);
  closeProof = await tlogProof(3, Q3_CLOSE_SIZE);
});
afterAll(() => t.cleanup());

/** Replaces line `n` (0-based) of a tlog-proof text. */
const withLine = (text: string, n: number, line: (old: string) => string) => {
  const lines = text.split('\n');
  lines[n] = line(lines[n]!);
  return lines.join('\n');
};

describe('verifyTlogProofText', () => {
  it('proves an entry against the latest checkpoint and against the period close', () => {
    for (const [text, size] of [[latestProof, TOTAL_ENTRIES], [closeProof, Q3_CLOSE_SIZE]] as const) {
      const report = verifyTlogProofText(undefined, text, key);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, index: 3, checkpoint: { treeSize: size } });
      expect(report.entry?.index).toBe(3);
    }
  });

  it('reports the leaf hash of the extra bytes (checked with node:crypto)', () => {
    const extra = Buffer.from(latestProof.split('\n')[1]!.slice('extra '.length), 'base64');
    const expected = createHash('sha256').update(Buffer.concat([Buffer.of(0), extra])).digest('hex');
    expect(verifyTlogProofText(undefined, latestProof, key).leafHash).toBe(expected);
  });

  it('rejects a flipped byte of the leaf', () => {
    const text = withLine(latestProof, 1, (l) => `extra ${flipBase64Byte(l.slice(6), 30)}`);
    const codes = verifyTlogProofText(undefined, text, key).problems.map((p) => p.code);
    expect(codes).toContain('BAD_INCLUSION');
  });

  it('rejects another index', () => {
    const text = withLine(latestProof, 2, () => 'index 4');
    const codes = verifyTlogProofText(undefined, text, key).problems.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['INDEX_MISMATCH', 'BAD_INCLUSION']));
  });

  it('rejects a flipped proof hash', () => {
    const text = withLine(latestProof, 3, (l) => flipBase64Byte(l, 0));
    expect(verifyTlogProofText(undefined, text, key).problems.map((p) => p.code)).toEqual(['BAD_INCLUSION']);
  });

  it('rejects a proof without the extra line: nothing to prove', () => {
    const text = latestProof.split('\n').filter((_, i) => i !== 1).join('\n');
    expect(verifyTlogProofText(undefined, text, key).problems.map((p) => p.code)).toEqual(['BAD_SHAPE']);
  });

  it('rejects a wrong key and text that is not a tlog-proof', () => {
    const other = formatVerifierKey(verifierKeyOf(testSigner('other')));
    expect(verifyTlogProofText(undefined, latestProof, other).problems.map((p) => p.code)).toContain('BAD_CHECKPOINT');
    expect(verifyTlogProofText(undefined, 'hello\n', key).problems.map((p) => p.code)).toEqual(['BAD_SHAPE']);
  });
});
