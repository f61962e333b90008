/**
 * The envelope splice (encodeLeaf's fast path around a record whose canonical text is known)
 * must give exactly the canonicalize library's bytes, whatever optional members an envelope
 * carries now or later (signature, and members other issues add), in whatever order they were set.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLeaf, encodeLeaf, spliceEnvelope, type EntryEnvelope } from '../../src/evidence/envelope.js';
import { validateRecord } from '../../src/evidence/validate.js';
import { rotation } from '../support/ledger.js';

const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null);
/** Member names around and between the envelope's own: ASCII, non-ASCII, astral, prefixes of existing names. */
const memberName = fc.oneof(
  fc.constantFrom('signature', 'a', 'reco', 'recordz', 'sourcf', 'vv', 'w', 'Z', 'é', '😀', '\u0080', 'index0', 'proof'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
);

describe('spliceEnvelope', () => {
  it('is byte for byte canonicalize(envelope), with any optional members in any insertion order', () => {
    fc.assert(
      fc.property(
        fc.record({ index: fc.nat(), prev: fc.string(), receivedAt: fc.string(), source: fc.string(), record: fc.dictionary(fc.string(), json) }),
        fc.dictionary(memberName, fc.option(json, { nil: undefined })),
        fc.boolean(),
        (head, extra, extraFirst) => {
          const own = { v: 1, ...head };
          const extras = Object.fromEntries(Object.entries(extra).filter(([k]) => !(k in own)));
          const envelope = (extraFirst ? { ...extras, ...own } : { ...own, ...extras }) as unknown as EntryEnvelope;
          expect(spliceEnvelope(envelope, canonicalize(head.record)!)).toBe(canonicalize(envelope));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves an envelope without optional members exactly as before', () => {
    const e = { v: 1, index: 7, prev: 'ab', receivedAt: 't', source: 's', record: { b: 1, a: [2] } } as unknown as EntryEnvelope;
    expect(spliceEnvelope(e, '{"a":[2],"b":1}')).toBe('{"index":7,"prev":"ab","receivedAt":"t","record":{"a":[2],"b":1},"source":"s","v":1}');
  });
});

describe('the optional signature member', () => {
  const validated = validateRecord(rotation(1));
  if (!validated.ok) throw new Error('bad fixture');
  const base = { v: 1 as const, index: 3, prev: '0'.repeat(64), receivedAt: '2026-09-14T02:00:00.000Z', source: 'ci', record: validated.record };
  const signature = `${'A'.repeat(85)}Q==`;

  it('is encoded in its sorted place and decoded back; entries without it keep their bytes', () => {
    const signed = encodeLeaf({ ...base, signature });
    expect(new TextDecoder().decode(signed)).toBe(canonicalize({ ...base, signature }));
    expect(decodeLeaf(signed)).toEqual({ ...base, signature });
    expect(new TextDecoder().decode(encodeLeaf(base))).toBe(canonicalize(base));
  });

  it('must be the canonical base64 of 64 bytes', () => {
    for (const bad of ['', 'AAAA', `${'A'.repeat(85)}B==`, `${'A'.repeat(86)}==`.replace('==', '=A')]) {
      expect(() => encodeLeaf({ ...base, signature: bad }), bad).toThrow(/signature/);
    }
  });
});
