/**
 * A leaf must fit an entry bundle's uint16 length (contract, "Standard read API"). The worst
 * case of every record type is built from the published JSON Schema (so a type or member added
 * later is covered, and a shape this builder does not know fails loudly): every optional member
 * present, every string at its maximum length of the character RFC 8785 writes longest that the
 * validators accept, `details` at exactly 16 KiB, the longest envelope. It must validate and
 * encode under MAX_LEAF_BYTES.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_DETAILS_BYTES,
  MAX_LEAF_BYTES,
  MAX_SOURCE_LENGTH,
  EvidenceError,
  adoptValidatedRecord,
  canonicalJson,
  checkLeafSize,
  encodeLeaf,
  evidenceRecordJsonSchema,
  validateRecord,
  type EntryEnvelope,
  type EvidenceRecord,
} from '../../src/evidence/index.js';
import { MAX_BUNDLE_ENTRY_BYTES } from '../../src/tiles/index.js';

type Schema = Record<string, any>;

/**
 * Characters by bytes per UTF-16 code unit in canonical JSON: U+0001 is written `\u0001`
 * (6 bytes), U+2603 is 3 UTF-8 bytes, `a` one. The builder uses the first one a field accepts.
 */
const CANDIDATES = ['\u0001', '\u2603', 'a'];
/** The longest RFC 3339 form the validators accept: nine fraction digits and an offset. */
const LONGEST_TIME = '2026-09-14T02:00:00.123456789+05:30';
const FINGERPRINT_FIELDS = new Set(['newFingerprint', 'previousFingerprint', 'fingerprint']);

function worstValue(name: string, s: Schema, char: (path: string) => string, path: string): unknown {
  if (name === 'details') {
    // {"a":"aaa..."}: exactly MAX_DETAILS_BYTES of canonical JSON.
    return { a: 'a'.repeat(MAX_DETAILS_BYTES - '{"a":""}'.length) };
  }
  if (s.const !== undefined) return s.const;
  if (s.enum) return [...s.enum].sort((a: string, b: string) => b.length - a.length)[0];
  if (s.type === 'boolean') return false;
  if (s.type === 'integer') return s.maximum ?? Number.MAX_SAFE_INTEGER;
  if (s.type === 'string' && s.format === 'date-time') return LONGEST_TIME;
  // Fingerprint fields hold digest forms only (contract, "Secret screening, precisely"): the longest
  // is 64 colon-separated hex bytes behind the longest algorithm name.
  if (FINGERPRINT_FIELDS.has(name)) return `blake2b-512:${'ff:'.repeat(63)}ff`;
  if (s.type === 'string' && typeof s.maxLength === 'number' && !s.pattern) return char(path).repeat(s.maxLength);
  // Fixed-length hex (a hash): its length is its pattern's.
  const hex = typeof s.pattern === 'string' ? /^\^\[0-9a-f\]\{(\d+)\}\$$/.exec(s.pattern) : null;
  if (s.type === 'string' && hex) return 'f'.repeat(Number(hex[1]));
  if (s.type === 'object' && s.properties) {
    return Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, worstValue(k, v, char, `${path}.${k}`)]));
  }
  throw new Error(`${path}: the worst-case builder does not know this shape (${JSON.stringify(s).slice(0, 200)}); extend it`);
}

/** The worst record of one type that validateRecord accepts. */
function worstRecord(variant: Schema): EvidenceRecord {
  const choice = new Map<string, number>();
  const char = (path: string) => CANDIDATES[choice.get(path) ?? 0]!;
  for (let round = 0; round < 50; round++) {
    const record = Object.fromEntries(
      Object.entries(variant.properties as Record<string, Schema>).map(([k, v]) => [k, worstValue(k, v, char, k)]),
    );
    const result = validateRecord(record);
    if (result.ok) return result.record;
    for (const p of result.problems) {
      const next = (choice.get(p.field) ?? 0) + 1;
      if (next >= CANDIDATES.length) throw new Error(`${p.field} accepts none of the candidates: ${p.message}`);
      choice.set(p.field, next);
    }
  }
  throw new Error('no valid worst case found');
}

const variants = (evidenceRecordJsonSchema() as Schema).oneOf as Schema[];

describe('leaf size limit (tlog-tiles entry bundles, uint16 lengths)', () => {
  it('is the largest length a uint16 can say', () => {
    expect(MAX_LEAF_BYTES).toBe(65_535);
    expect(MAX_BUNDLE_ENTRY_BYTES).toBe(MAX_LEAF_BYTES);
  });

  it('covers every record type of the schema', () => {
    // Types added later (control, redaction...) are covered as they appear in the schema.
    expect(variants.map((v) => v.properties.type.const)).toEqual(
      expect.arrayContaining(['access_review', 'approval', 'change', 'credential_issuance', 'exception', 'privileged_session', 'revocation', 'rotation']),
    );
  });

  for (const variant of variants) {
    const type = variant.properties.type.const as string;
    it(`the largest ${type} the contract accepts makes a leaf under the limit`, () => {
      const record = worstRecord(variant);
      expect(canonicalJson(record.details).length).toBe(MAX_DETAILS_BYTES);
      const envelope: EntryEnvelope = {
        v: 1,
        index: Number.MAX_SAFE_INTEGER,
        prev: 'f'.repeat(64),
        receivedAt: '2026-09-14T02:00:00.000Z',
        source: '\u0001'.repeat(MAX_SOURCE_LENGTH),
        record,
        // Signed submissions: the optional signature member (88 characters of base64).
        signature: `${'/'.repeat(85)}w==`,
      };
      const leaf = encodeLeaf(envelope);
      expect(leaf.length).toBeLessThanOrEqual(MAX_LEAF_BYTES);
      // The builder really reached the expensive characters: over 3 bytes per allowed code unit overall.
      expect(leaf.length).toBeGreaterThan(MAX_DETAILS_BYTES + 3 * (128 + 256 * 3 + MAX_SOURCE_LENGTH));
    });
  }

  it('the largest leaf of all (a revocation today) leaves room under the limit', () => {
    const sizes = variants.map((v) => {
      const record = worstRecord(v);
      return { type: record.type, bytes: encodeLeaf({ v: 1, index: Number.MAX_SAFE_INTEGER, prev: 'f'.repeat(64), receivedAt: '2026-09-14T02:00:00.000Z', source: '\u0001'.repeat(MAX_SOURCE_LENGTH), record }).length };
    });
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    // 57,565 bytes today, a revocation with identifiers of control characters (6 bytes each; see
    // src/evidence/leaf-limit.ts); less if identifiers come to refuse control characters.
    expect(largest.bytes).toBeGreaterThan(50_000);
    expect(largest.bytes).toBeLessThan(MAX_LEAF_BYTES);
  });

  it('checkLeafSize accepts 65,535 bytes and refuses 65,536', () => {
    expect(() => checkLeafSize(new Uint8Array(MAX_LEAF_BYTES))).not.toThrow();
    const err = (() => {
      try {
        checkLeafSize(new Uint8Array(MAX_LEAF_BYTES + 1));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EvidenceError);
    expect((err as EvidenceError).code).toBe('LEAF_TOO_LARGE');
    expect((err as EvidenceError).problems?.[0]?.field).toBe('record');
  });

  it('encodeLeaf enforces it for a record the validators never saw (a future record type)', () => {
    // A record vouched for without checks, as the preparation pool does: only the size check stands in the way.
    const big = { type: 'rotation', controlId: 'C', system: 's', actor: { id: 'a', kind: 'system' }, subject: { id: 'b', kind: 'system' }, occurredAt: '2026-09-14T02:00:00Z', credentialId: 'k', newFingerprint: 'sha256:00', details: { a: 'x'.repeat(70_000) } } as unknown as EvidenceRecord;
    adoptValidatedRecord(big, canonicalJson(big));
    const envelope: EntryEnvelope = { v: 1, index: 0, prev: '0'.repeat(64), receivedAt: '2026-09-14T02:00:00.000Z', source: 's', record: big };
    expect(() => encodeLeaf(envelope)).toThrow(expect.objectContaining({ code: 'LEAF_TOO_LARGE' }));
  });
});
