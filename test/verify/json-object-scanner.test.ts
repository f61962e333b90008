/** JsonObjectScanner hands out exactly the members and elements JSON.parse sees, however the text is cut. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonObjectScanner } from '../../src/verify/json-object-scanner.js';
import { cut } from '../support/chunks.js';

function scanAll(chunks: string[]): { members: Record<string, unknown>; elements: unknown[] | undefined; done: boolean } {
  const members: Record<string, unknown> = {};
  let elements: unknown[] | undefined;
  const scanner = new JsonObjectScanner('items', {
    member: (key, text) => Object.defineProperty(members, key, { value: JSON.parse(text), enumerable: true }),
    arrayOpened: () => (elements = []),
    element: (text) => elements!.push(JSON.parse(text)),
  });
  for (const c of chunks) scanner.write(c);
  return { members, elements, done: scanner.done };
}

// Strings full of the characters the scanner must not mistake for structure.
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'a', '\n', 'é') });
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), tricky, fc.array(tricky), fc.dictionary(tricky, tricky));

describe('JsonObjectScanner', () => {
  it('finds the same members and elements as JSON.parse, in any chunking and spacing', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string().filter((k) => k !== 'items' && k !== '__proto__'), value, { maxKeys: 5 }),
        fc.array(value, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (members, items, offsets, pretty) => {
          const text = JSON.stringify({ ...members, items }, null, pretty ? 2 : undefined);
          const result = scanAll(cut(text, offsets));
          expect(result.done).toBe(true);
          // Through JSON text, as the scanner sees it (-0 is written "0").
          expect(result.elements).toEqual(JSON.parse(JSON.stringify(items)));
          expect(result.members).toEqual(JSON.parse(JSON.stringify(members)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses text that is not one JSON object', () => {
    for (const text of ['[1]', '{"a":1]', '{"items":[1,]}', '{"items":[,1]}', '{"a" 1}', '{"a":1}{', '{"a":1,}']) {
      expect(() => scanAll([text])).toThrow();
    }
  });

  it('is not done before the closing brace', () => {
    expect(scanAll(['{"a":1,"items":[1,2]']).done).toBe(false);
  });
});
