/**
 * A log that signs what it should never have signed is still caught: the verifier checks the
 * contract's semantics (hash chain, receivedAt order, the period's close size), not only the
 * proofs. Each bundle here is built by hand and correctly signed; see hand-built.ts.
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { verifyBundle } from '../../src/verify/index.js';
import { approval, testSigner } from '../support/ledger.js';
import { buildBundle, chain, leafOf } from './hand-built.js';
import { entryCodes } from './tamper.js';

const signer = testSigner('hand-built log');
const key = formatVerifierKey(verifierKeyOf(signer));
const verify = (b: unknown) => verifyBundle(nodeCrypto, b, key);

const records = [0, 1, 2, 3, 4].map((n) => approval(n));
const times = ['2026-09-01T00:00:00.000Z', '2026-09-02T00:00:00.000Z', '2026-09-03T00:00:00.000Z', '2026-09-04T00:00:00.000Z', '2026-10-02T00:00:00.000Z'];
const Q3 = { period: '2026-Q3', start: '2026-07-01T00:00:00.000Z', end: '2026-10-01T00:00:00.000Z', firstIndex: 0 };

describe('a log that signed bad entries', () => {
  it('builds bundles the verifier accepts when the log behaves (the builder is sound)', () => {
    expect(verify(buildBundle(chain(records, times), { signer })).ok).toBe(true);
    expect(verify(buildBundle(chain(records, times), { signer, anchorSize: 4, period: Q3 })).problems).toEqual([]);
  });

  it('catches a broken hash chain', () => {
    const envelopes = chain(records, times);
    envelopes[2]!.prev = 'ab'.repeat(32);
    expect(entryCodes(verify(buildBundle(envelopes, { signer })), 2)).toEqual(['BROKEN_CHAIN']);
  });

  it('catches an entry 0 whose prev is not 64 zeros', () => {
    const envelopes = chain(records, times);
    envelopes[0]!.prev = '11'.repeat(32);
    expect(entryCodes(verify(buildBundle(envelopes, { signer })), 0)).toEqual(['BROKEN_CHAIN']);
  });

  it('catches receivedAt going backwards', () => {
    const envelopes = chain(records, ['2026-09-01T00:00:00.000Z', '2026-09-03T00:00:00.000Z', '2026-09-02T00:00:00.000Z', '2026-09-04T00:00:00.000Z', '2026-09-05T00:00:00.000Z']);
    expect(entryCodes(verify(buildBundle(envelopes, { signer })), 2)).toEqual(['TIME_DECREASES']);
  });

  it('catches a close that counts an entry received after the period ended', () => {
    const report = verify(buildBundle(chain(records, times), { signer, anchorSize: 5, period: Q3 }));
    expect(entryCodes(report, 4)).toEqual(['OUTSIDE_PERIOD']);
  });

  it('catches a leaf whose envelope names another index', () => {
    const envelopes = chain(records, times);
    envelopes[3]!.index = 7;
    expect(entryCodes(verify(buildBundle(envelopes, { signer })), 3)).toContain('INDEX_MISMATCH');
  });

  it('catches leaf bytes that are not canonical JSON, though hashed and proved', () => {
    const envelopes = chain(records, times);
    const spaced = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(leafOf(envelopes[1]!))), null, 1));
    const report = verify(buildBundle(envelopes, { signer, rawLeaves: { 1: spaced } }));
    expect(entryCodes(report, 1)).toEqual(['BAD_LEAF']);
  });
});
