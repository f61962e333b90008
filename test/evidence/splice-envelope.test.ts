/**
 * The hand-written envelope splice (src/evidence/envelope.ts) against the library it stands in
 * for: for random envelopes, with and without extra optional members under any names (the
 * contract lets later versions add members; an undefined one must be left out as the library
 * does), its text is exactly canonicalJson of the whole envelope.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adoptValidatedRecord, canonicalJson, encodeLeaf, type EntryEnvelope, type EvidenceRecord } from '../../src/evidence/index.js';
import { preparedCanonicalJson } from '../../src/evidence/validate.js';
import { spliceEnvelope } from '../../src/evidence/envelope.js';
import { validExamples } from './examples.js';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const envelopeArb = fc.record({
  v: fc.constant(1 as const),
  index: fc.maxSafeNat(),
  prev: hex64,
  receivedAt: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  source: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  record: fc.constantFrom(...Object.values(validExamples)).map((r) => r as unknown as EvidenceRecord),
});
// Names that sort anywhere among the base members (before "index", between "record" and "source", after "v"), and unicode ones.
const memberName = fc.oneof(
  fc.constantFrom('controlPrev', 'a', 'receivedAu', 'recorc', 'sig', 'w', 'Z', 'é', '\u{1F600}', 'index2', 'v1'),
  fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
);
const baseNames = new Set(['v', 'index', 'prev', 'receivedAt', 'source', 'record']);
const extras = fc.dictionary(
  memberName.filter((k) => !baseNames.has(k) && k !== '__proto__'),
  fc.oneof(fc.jsonValue({ maxDepth: 2, noUnicodeString: false }), fc.constant(undefined)),
  { maxKeys: 3 },
);

describe('spliceEnvelope', () => {
  it('is byte-identical to canonicalJson for envelopes with and without optional members', () => {
    fc.assert(
      fc.property(envelopeArb, extras, (base, more) => {
        const envelope = { ...base, ...more } as EntryEnvelope;
        expect(spliceEnvelope(envelope, canonicalJson(envelope.record))).toBe(canonicalJson(envelope));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives today\'s exact leaf bytes for an envelope without optional members', () => {
    fc.assert(
      fc.property(envelopeArb, (envelope) => {
        // A record prepared on a pool thread carries its canonical text, so encodeLeaf takes the splice.
        const record = structuredClone(envelope.record);
        adoptValidatedRecord(record, canonicalJson(record));
        expect(preparedCanonicalJson(record)).toBeDefined();
        const leaf = new TextDecoder().decode(encodeLeaf({ ...envelope, source: 'test-writer', record }));
        expect(leaf).toBe(canonicalJson({ ...envelope, source: 'test-writer' }));
      }),
      { numRuns: 300 },
    );
  });
});
