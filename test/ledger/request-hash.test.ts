import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nodeCrypto } from '../../src/crypto/node.js';
import { toHex } from '../../src/crypto/bytes.js';
import { canonicalBytes, validateRecord, type EvidenceRecord } from '../../src/evidence/index.js';
import { requestHash } from '../../src/ledger/request-hash.js';
import { validExamples } from '../evidence/examples.js';

/** The idempotency hash is spliced from records' canonical texts; it must equal the library's canonical form. */
const examples = Object.values(validExamples) as unknown as EvidenceRecord[];
const expected = (kind: 'entry' | 'batch', records: EvidenceRecord[]) =>
  toHex(nodeCrypto.sha256(canonicalBytes(kind === 'entry' ? { kind, record: records[0] } : { kind, records })));

describe('requestHash', () => {
  it('is SHA-256 of the RFC 8785 form of {kind, record} and {kind, records}, prepared records or not', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...examples.keys()), { minLength: 1, maxLength: 6 }), fc.boolean(), (picks, prepare) => {
        const records = picks.map((i) => {
          const copy = structuredClone(examples[i]!);
          if (!prepare) return copy;
          const v = validateRecord(copy);
          if (!v.ok) throw new Error('example should be valid');
          return v.record;
        });
        expect(toHex(requestHash(nodeCrypto, 'batch', records))).toBe(expected('batch', records));
        expect(toHex(requestHash(nodeCrypto, 'entry', records.slice(0, 1)))).toBe(expected('entry', records.slice(0, 1)));
      }),
      { numRuns: 50 },
    );
  });

  it('tells a single record from a batch of one', () => {
    const one = [examples[0]!];
    expect(toHex(requestHash(nodeCrypto, 'entry', one))).not.toBe(toHex(requestHash(nodeCrypto, 'batch', one)));
  });
});
