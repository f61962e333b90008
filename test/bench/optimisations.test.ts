/**
 * Code rewritten for speed must say exactly what the code it replaced said. Each fast path is
 * held to an independent oracle on generated inputs: RFC 8785 canonical JSON to the
 * `canonicalize` package (the JavaScript reference implementation the spec links to).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../src/evidence/canonical.js';
import { EvidenceError } from '../../src/evidence/index.js';
import { benchRecord } from '../../scripts/bench-records.js';

/** JSON values as JSON.parse produces them, strings from all of UTF-16 (lone surrogates included). */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 6 }),
  ),
})).value;

function outcome(f: () => string): string {
  try {
    return `ok ${f()}`;
  } catch (err) {
    return err instanceof EvidenceError ? `error ${err.code}` : `error ${String(err)}`;
  }
}

/** What the package answers, mapped to our codes the way the previous canonical.ts did. */
function oracle(value: unknown): string {
  try {
    const text = canonicalize(value);
    return text === undefined ? 'error NOT_JSON' : `ok ${text}`;
  } catch (err) {
    return /lone surrogate/i.test(String(err)) ? 'error LONE_SURROGATE' : 'error NOT_JSON';
  }
}

describe('canonical JSON fast path (RFC 8785)', () => {
  it('writes what the canonicalize package writes, or refuses with the same code', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(outcome(() => canonicalJson(value))).toBe(oracle(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on whole entry envelopes', () => {
    for (let n = 0; n < 200; n++) {
      const envelope = { v: 1, index: n, prev: '0'.repeat(64), receivedAt: '2026-09-14T02:00:00.000Z', source: 'bench', record: benchRecord(n) };
      expect(canonicalJson(envelope)).toBe(canonicalize(envelope));
    }
  });

  it('follows toJSON, drops members without a JSON value, and writes null for such array items', () => {
    const value = { d: new Date(0), u: undefined, s: Symbol('x'), a: [undefined, Symbol('y'), 1] };
    expect(canonicalJson(value)).toBe('{"a":[null,null,1],"d":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses a cycle however deep it starts, and accepts deep nesting without one', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 200; i++) at = (at['x'] = {}) as Record<string, unknown>;
    expect(canonicalJson(deep)).toBe(canonicalize(deep));
    at['back'] = deep;
    expect(outcome(() => canonicalJson(deep))).toBe('error NOT_JSON');
    const self: unknown[] = [];
    self.push(self);
    expect(outcome(() => canonicalJson(self))).toBe('error NOT_JSON');
  });

  it('refuses a function anywhere (the package would write "undefined" into the text)', () => {
    expect(outcome(() => canonicalJson({ f: () => 1 }))).toBe('error NOT_JSON');
    expect(outcome(() => canonicalJson([() => 1]))).toBe('error NOT_JSON');
  });
});
