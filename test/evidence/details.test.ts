import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../src/evidence/index.js';
import { validExamples, variant } from './examples.js';

const withDetails = (details: unknown) => variant(validExamples.change!, { details });
const problemsOf = (details: unknown) => {
  const result = validateRecord(withDetails(details));
  return result.ok ? [] : result.problems;
};
const fieldsOf = (details: unknown) => problemsOf(details).map((p) => p.field);

/** An object nested `levels` deep counting details itself: levels = 1 is `{"leaf":true}`. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('details', () => {
  it('accepts any JSON object within the bounds, kept exactly as sent', () => {
    const details = { s: 'x', n: -12.5, i: 9007199254740991, t: true, z: null, list: [1, 'two', { three: [] }], '': 'empty name' };
    const result = validateRecord(withDetails(details));
    expect(result.ok && result.record.details).toEqual(details);
  });

  it('must be an object', () => {
    for (const details of [[], 'text', 1, null]) expect(fieldsOf(details)).toEqual(['details']);
    expect(problemsOf([])[0]!.message).toBe('details: expected a JSON object');
  });

  describe('depth: at most 8 levels, details itself being level 1', () => {
    it('accepts 8 levels of objects', () => expect(fieldsOf(nested(8))).toEqual([]));

    it('rejects 9 levels, naming the member that opens the ninth', () => {
      expect(fieldsOf(nested(9))).toEqual(['details.a.a.a.a.a.a.a.a']);
      expect(problemsOf(nested(9))[0]!.message).toBe('details.a.a.a.a.a.a.a.a: nests deeper than 8 levels');
    });

    it('counts arrays as levels too', () => {
      expect(fieldsOf({ a: [[[[[[[1]]]]]]] })).toEqual([]); // details + 7 arrays = 8
      expect(fieldsOf({ a: [[[[[[[[1]]]]]]]] })).toEqual(['details.a.0.0.0.0.0.0.0']);
    });
  });

  describe('size: at most 16 KiB as canonical JSON', () => {
    // {"s":"<n x>"} is n + 8 bytes of canonical JSON.
    it('accepts exactly 16384 bytes', () => expect(fieldsOf({ s: 'x'.repeat(16384 - 8) })).toEqual([]));

    it('rejects 16385 bytes, naming details', () => {
      expect(problemsOf({ s: 'x'.repeat(16385 - 8) })).toEqual([
        { field: 'details', message: 'details: is 16385 bytes as canonical JSON; at most 16384 are allowed' },
      ]);
    });

    it('counts UTF-8 bytes, not characters', () => {
      // "é" is 2 bytes in UTF-8: 8 + 2 * 8189 = 16386.
      expect(fieldsOf({ s: 'é'.repeat(8189) })).toEqual(['details']);
      expect(fieldsOf({ s: 'é'.repeat(8188) })).toEqual([]);
    });

    it('measures the canonical form, not the text that was sent', () => {
      // Escapes like \u0061 in the request do not count; canonical JSON writes "a".
      const sent = JSON.parse(`{"s":"${'\\u0061'.repeat(16384 - 8)}"}`);
      expect(fieldsOf(sent)).toEqual([]);
    });
  });

  describe('numbers must round-trip exactly', () => {
    it('accepts integers up to ±(2^53 - 1) and any finite fraction', () => {
      expect(fieldsOf({ max: 9007199254740991, min: -9007199254740991, tiny: 5e-324, third: 1 / 3 })).toEqual([]);
    });

    it.each([
      ['2^53', 9007199254740992],
      ['-(2^53)', -9007199254740992],
      ['1e21', 1e21],
      ['1.5e300', 1.5e300],
    ])('rejects the unsafe integer %s, naming it', (_, n) => {
      expect(fieldsOf({ deep: { n } })).toEqual(['details.deep.n']);
    });

    it('explains the integer rule', () => {
      expect(problemsOf({ n: 2 ** 53 })[0]!.message).toMatch(/^details\.n: integers must lie within ±\(2\^53 - 1\)/);
    });

    it('rejects NaN and infinities (which only a JavaScript caller can pass)', () => {
      expect(fieldsOf({ a: NaN, b: Infinity, c: [-Infinity] })).toEqual(['details.a', 'details.b', 'details.c.0']);
    });
  });

  it('rejects values JSON cannot carry', () => {
    expect(fieldsOf({ when: new Date(0), f: () => 1, u: undefined, big: 1n })).toEqual([
      'details.when',
      'details.f',
      'details.u',
      'details.big',
    ]);
  });

  it('rejects a "__proto__" member at any depth (JavaScript readers would lose it)', () => {
    expect(fieldsOf(JSON.parse('{"__proto__":{"x":1}}'))).toEqual(['details.__proto__']);
    expect(fieldsOf(JSON.parse('{"a":[{"__proto__":1}]}'))).toEqual(['details.a.0.__proto__']);
  });

  it('rejects lone surrogates in values and member names', () => {
    expect(fieldsOf({ a: 'x\udc00' })).toEqual(['details.a']);
    expect(fieldsOf({ ['\ud800']: 1 }).length).toBe(1);
  });

  it('stops after 20 problems', () => {
    expect(problemsOf({ list: Array.from({ length: 100 }, () => NaN) })).toHaveLength(20);
  });
});
