import { describe, expect, it } from 'vitest';
import {
  EvidenceError,
  ZERO_HASH_HEX,
  encodeLeaf,
  validateRecord,
  type EntryEnvelope,
  type EvidenceRecord,
} from '../../src/evidence/index.js';
import { contractRotationExample, validExamples } from './examples.js';

/** encodeLeaf skips the record schema for records validateRecord returned; these keep that safe. */
const head = { v: 1, index: 3, prev: ZERO_HASH_HEX, receivedAt: '2026-09-14T02:00:00.417Z', source: 'ci' } as const;

function validated(input: unknown): EvidenceRecord {
  const result = validateRecord(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

describe('records that validateRecord returned', () => {
  it('are frozen all the way down, so they cannot change after the check', () => {
    const record = validated(structuredClone(contractRotationExample)) as unknown as Record<string, unknown>;
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.actor)).toBe(true);
    expect(() => {
      (record.actor as { id: string }).id = 'someone else';
    }).toThrow(TypeError);
  });

  it('encode to the same leaf as an equal record that was never validated', () => {
    for (const [name, example] of Object.entries(validExamples)) {
      const fast = encodeLeaf({ ...head, record: validated(structuredClone(example)) });
      const checked = encodeLeaf({ ...head, record: structuredClone(example) as EvidenceRecord });
      expect(Buffer.from(fast).toString(), name).toBe(Buffer.from(checked).toString());
    }
  });

  it('still get the envelope around them checked', () => {
    const record = validated(structuredClone(contractRotationExample));
    const bad = { ...head, prev: 'not hex', record } as EntryEnvelope;
    expect(() => encodeLeaf(bad)).toThrow(EvidenceError);
    expect(() => encodeLeaf({ ...head, source: '', record })).toThrow(/source/);
  });

  it('do not vouch for a look-alike: an unvalidated invalid record is still refused', () => {
    const record = { ...structuredClone(contractRotationExample), type: 'no-such-type' } as unknown as EvidenceRecord;
    expect(() => encodeLeaf({ ...head, record })).toThrow(EvidenceError);
  });
});
