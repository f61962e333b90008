import { describe, expect, it } from 'vitest';
import { EvidenceError, canonicalBytes, canonicalJson } from '../../src/evidence/index.js';

/** The double whose IEEE 754 bits are `hex` (big-endian), built independently of any formatter. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof EvidenceError ? err.code : `not an EvidenceError: ${String(err)}`;
  }
  return 'no error';
};

describe('RFC 8785 canonical JSON', () => {
  it('sorts members by UTF-16 code units, recursively (RFC 8785 §3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // The order RFC 8785 §3.2.3 gives: \r, 1, \u0080, ö, €, 😀, דּ (the emoji's high surrogate D83D sorts before FB33).
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ b: { z: 1, a: [{ y: 2, x: 3 }] }, a: null })).toBe('{"a":null,"b":{"a":[{"x":3,"y":2}],"z":1}}');
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialisation.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double %s as %s', (bits, text) => {
    expect(canonicalJson([double(bits)])).toBe(`[${text}]`);
  });

  it('writes 0.1, 1e21 and -0 as ECMAScript does', () => {
    expect(canonicalJson({ a: 0.1, b: 1e21, c: -0, d: 100, e: 1e-7 })).toBe('{"a":0.1,"b":1e+21,"c":0,"d":100,"e":1e-7}');
  });

  it('escapes only what JSON requires, with the short forms (RFC 8785 §3.2.2.2)', () => {
    const text = '\u0000\u0008\u0009\u000a\u000c\u000d\u001f "\\/\u007f\u2028é😀';
    expect(canonicalJson(text)).toBe('"\\u0000\\b\\t\\n\\f\\r\\u001f \\"\\\\/\u007f\u2028é😀"');
  });

  it('encodes as UTF-8', () => {
    expect(Array.from(canonicalBytes({ 'é': '😀' }))).toEqual([
      0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x7d,
    ]);
  });

  it('refuses a lone surrogate with LONE_SURROGATE', () => {
    expect(codeOf(() => canonicalJson({ a: 'x\ud800' }))).toBe('LONE_SURROGATE');
    expect(codeOf(() => canonicalJson({ ['\udfff']: 1 }))).toBe('LONE_SURROGATE');
  });

  it('refuses what JSON cannot hold with NOT_JSON', () => {
    expect(codeOf(() => canonicalJson({ a: NaN }))).toBe('NOT_JSON');
    expect(codeOf(() => canonicalJson([Infinity]))).toBe('NOT_JSON');
    expect(codeOf(() => canonicalJson(undefined))).toBe('NOT_JSON');
    expect(codeOf(() => canonicalJson({ a: 1n }))).toBe('NOT_JSON');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codeOf(() => canonicalJson(cycle))).toBe('NOT_JSON');
  });
});
