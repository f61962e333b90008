/**
 * BundleStreamVerifier gives the same verdicts as verifyBundle on the parsed text, however the
 * text is cut into chunks and however valid JSON lays it out, and rejects broken JSON.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { BundleStreamVerifier, verifyBundle, type BundleReport, type EntryVerdict } from '../../src/verify/index.js';
import type { TestLedger } from '../support/ledger.js';
import { fetchBundle, quarterScenario } from './scenario.js';
import { clone, flipHex } from './tamper.js';
import { cut } from '../support/chunks.js';

let t: TestLedger;
let text: string;
let key: string;

beforeAll(async () => {
  t = await quarterScenario();
  text = (await fetchBundle(t, { period: '2026-Q3' })).text;
  key = t.ledger.key().verifierKey;
});
afterAll(() => t.cleanup());

/** Streams `chunks` through the verifier and assembles a whole report. */
function streamed(chunks: string[]): BundleReport {
  const verdicts: EntryVerdict[] = [];
  const v = new BundleStreamVerifier(nodeCrypto, key, {}, (verdict) => verdicts.push(verdict));
  for (const chunk of chunks) v.write(chunk);
  return { ...v.end(), entries: verdicts };
}

describe('BundleStreamVerifier', () => {
  it('agrees with verifyBundle for the producer text in one piece', () => {
    const report = streamed([text]);
    expect(report.ok).toBe(true);
    expect(report).toEqual(verifyBundle(nodeCrypto, JSON.parse(text), key));
  });

  it('agrees with verifyBundle however the text is cut into chunks', () => {
    const whole = verifyBundle(nodeCrypto, JSON.parse(text), key);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (offsets) => {
        expect(streamed(cut(text, offsets))).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with verifyBundle on another layout: pretty-printed, entries first, one character at a time', () => {
    const bundle = JSON.parse(text);
    const { entries, ...head } = bundle;
    const whole = verifyBundle(nodeCrypto, bundle, key);
    expect(streamed([JSON.stringify(bundle, null, 2)])).toEqual(whole);
    expect(streamed([JSON.stringify({ entries, ...head })])).toEqual(whole);
    expect(streamed([...JSON.stringify(bundle, null, 1)])).toEqual(whole);
  });

  it('agrees with verifyBundle on a tampered bundle', () => {
    const b = clone(JSON.parse(text));
    b.entries[2].proof[1] = flipHex(b.entries[2].proof[1]);
    const report = streamed([JSON.stringify(b)]);
    expect(report.ok).toBe(false);
    expect(report).toEqual(verifyBundle(nodeCrypto, b, key));
  });

  it('rejects the text cut short anywhere', () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const report = streamed([text.slice(0, n % text.trimEnd().length)]);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.code)).toContain('BAD_SHAPE');
      }),
      { numRuns: 200 },
    );
  });

  it('rejects broken or non-bundle JSON with BAD_SHAPE', () => {
    const bundle = JSON.parse(text);
    const { entries: _entries, ...head } = bundle;
    const cases = [
      `${text}x`,
      text.replace('"format":', '"format":"x","format":'),
      text.replace('"entries":[\n', '"entries":[,'),
      text.replace(/\n\]\}\n$/, ',\n]}\n'),
      JSON.stringify({ ...head, entries: 'many' }),
      JSON.stringify(head),
      JSON.stringify({ ...bundle, __proto__x: 1 }).replace('"__proto__x"', '"__proto__"'),
      '[]',
      '',
    ];
    for (const c of cases) {
      const report = streamed([c]);
      expect({ c: c.slice(-40), ok: report.ok }).toEqual({ c: c.slice(-40), ok: false });
      expect(report.problems.map((p) => p.code)).toContain('BAD_SHAPE');
    }
  });
});
