/** Numbers that the stored canonical form would change are refused (src/http/json-number.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { numberChangeProblem } from '../../src/http/json-number.js';
import { scanJson } from '../../src/http/json-body.js';

describe('numbers that cannot be stored as sent', () => {
  it.each(['1e-400', '-1e-400', '-0', '-0.0', '-0e5', '9007199254740993', '0.1000000000000000055511151231257827', '123456789012345678901234'])(
    'refuses %s', (text) => {
      expect(numberChangeProblem(text)).toBeDefined();
      expect(scanJson(`{"details":{"n":${text}}}`)).toMatchObject({ code: 'NUMBER_NOT_EXACT', field: 'details.n' });
    },
  );

  it.each(['0', '0.0', '0e10', '1', '1.0', '1e0', '10e-1', '-2.5', '0.1', '1e21', '1.5e-7', '9007199254740992', '5e-324', '1.7976931348623157e308'])(
    'accepts %s, a spelling of a value a double holds', (text) => {
      expect(numberChangeProblem(text)).toBeUndefined();
    },
  );

  // Whatever double is sent in its shortest form (what canonicalize writes) is accepted, and
  // its canonical text is unchanged by a round trip: the check never refuses a storable number.
  it('accepts every finite double written as canonicalize writes it, except -0', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const text = canonicalize(d)!;
        if (Object.is(d, -0)) return;
        expect(numberChangeProblem(text)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
