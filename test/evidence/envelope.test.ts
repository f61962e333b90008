import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/crypto/bytes.js';
import {
  EvidenceError,
  ZERO_HASH_HEX,
  decodeLeaf,
  encodeLeaf,
  formatTimestamp,
  type EntryEnvelope,
  type EvidenceRecord,
} from '../../src/evidence/index.js';
import { contractRotationExample, validExamples } from './examples.js';

const envelope: EntryEnvelope = {
  v: 1,
  index: 0,
  prev: ZERO_HASH_HEX,
  receivedAt: '2026-09-14T02:00:00.417Z',
  source: 'vault-rotator',
  record: contractRotationExample as EvidenceRecord,
};

// Written by hand from RFC 8785: members sorted, no spaces, UTF-8.
const ZEROS = '0000000000000000000000000000000000000000000000000000000000000000';
const expectedLeaf =
  `{"index":0,"prev":"${ZEROS}","receivedAt":"2026-09-14T02:00:00.417Z",` +
  '"record":{"actor":{"id":"spiffe://corp/vault-rotator","kind":"workload"},"controlId":"ITGC-AC-07",' +
  '"credentialId":"akid-7f3c",' +
  '"newFingerprint":"sha256:9ac0f3e6b1d4a7c2e5f8b0d3a6c9e2f5b8d1a4c7e0f3b6d9a2c5e8f1b4d7a0c3",' +
  '"nextRotationDue":"2026-12-13T02:00:00Z","occurredAt":"2026-09-14T02:00:00Z",' +
  '"previousFingerprint":"sha256:4b1e5d0c8f2a9e7b3c6d1f4a8e2b5c9d0f3a6e1b4c7d2a5f8e0b3c6d9f1a4e7b",' +
  '"subject":{"id":"svc-ledger-export","kind":"service_account"},"system":"payments-api-prod",' +
  '"ticket":"CHG-20931","type":"rotation"},"source":"vault-rotator","v":1}';

function errorOf(f: () => unknown): EvidenceError {
  try {
    f();
  } catch (err) {
    if (err instanceof EvidenceError) return err;
    throw err;
  }
  throw new Error('expected an EvidenceError, got none');
}

const leafOf = (text: string) => utf8(text);
const withLeaf = (edit: (text: string) => string) => leafOf(edit(expectedLeaf));

describe('entry envelope', () => {
  it('the prev of entry 0 is 64 zeros', () => expect(ZERO_HASH_HEX).toBe(ZEROS));

  describe('encodeLeaf', () => {
    it('writes the RFC 8785 canonical UTF-8 of the envelope', () => {
      expect(new TextDecoder().decode(encodeLeaf(envelope))).toBe(expectedLeaf);
    });

    it('writes non-ASCII as raw UTF-8 and details numbers canonically', () => {
      const record = { ...validExamples.change!, system: 'zürich-erp', details: { n: -0, x: 0.1, big: 123456789012, s: 'a\tb' } };
      const leaf = new TextDecoder().decode(encodeLeaf({ ...envelope, record: record as unknown as EvidenceRecord }));
      expect(leaf).toContain('"system":"zürich-erp"');
      expect(leaf).toContain('"details":{"big":123456789012,"n":0,"s":"a\\tb","x":0.1}');
    });

    it.each([
      ['v', { v: 2 }],
      ['index', { index: -1 }],
      ['index', { index: 1.5 }],
      ['index', { index: 2 ** 53 }],
      ['prev', { prev: ZEROS.toUpperCase().replace(/0/g, 'A') }],
      ['prev', { prev: ZEROS.slice(2) }],
      ['receivedAt', { receivedAt: '2026-09-14T02:00:00Z' }],
      ['receivedAt', { receivedAt: '2026-09-14T02:00:00.000+00:00' }],
      ['receivedAt', { receivedAt: '2026-02-30T02:00:00.000Z' }],
      ['source', { source: '' }],
      ['extra', { extra: true }],
    ])('refuses a bad %s with INVALID_ENVELOPE, naming it', (field, change) => {
      const err = errorOf(() => encodeLeaf({ ...envelope, ...change } as EntryEnvelope));
      expect(err.code).toBe('INVALID_ENVELOPE');
      expect(err.problems?.map((p) => p.field)).toEqual([field]);
    });

    it('refuses an invalid record with INVALID_RECORD, naming the field inside it', () => {
      const record = { ...contractRotationExample, actor: { id: 'x', kind: 'robot' } } as unknown as EvidenceRecord;
      const err = errorOf(() => encodeLeaf({ ...envelope, record }));
      expect(err.code).toBe('INVALID_RECORD');
      expect(err.problems?.map((p) => p.field)).toEqual(['record.actor.kind']);
      expect(err.message).toContain('record.actor.kind: expected one of human');
    });

    it('refuses a lone surrogate with a clear error', () => {
      const err = errorOf(() => encodeLeaf({ ...envelope, source: 'writer\ud800' }));
      expect(err.code).toBe('LONE_SURROGATE');
      expect(err.message).toMatch(/lone UTF-16 surrogate/);
    });
  });

  describe('decodeLeaf', () => {
    it('reads the canonical bytes back', () => {
      expect(decodeLeaf(leafOf(expectedLeaf))).toEqual(envelope);
    });

    it.each([
      ['members out of order', (t: string) => t.replace('{"index":0,"prev":', '{"prev":').replace(`"${ZEROS}",`, `"${ZEROS}","index":0,`)],
      ['a space after a colon', (t: string) => t.replace('"index":0', '"index": 0')],
      ['a space between members', (t: string) => t.replace(',"prev"', ', "prev"')],
      ['a trailing newline', (t: string) => `${t}\n`],
      ['a duplicate member', (t: string) => t.replace('"index":0,', '"index":0,"index":0,')],
      ['a needless escape', (t: string) => t.replace('akid-7f3c', '\\u0061kid-7f3c')],
      ['an escaped solidus', (t: string) => t.replace('spiffe://', 'spiffe:\\/\\/')],
      ['a number written 0.0', (t: string) => t.replace('"index":0', '"index":0.0')],
      ['a number written 1e0', (t: string) => t.replace('"v":1', '"v":1e0')],
    ])('refuses %s with NOT_CANONICAL', (_, edit) => {
      expect(errorOf(() => decodeLeaf(withLeaf(edit))).code).toBe('NOT_CANONICAL');
    });

    it.each([
      ['a stray 0xFF byte', [0xff]],
      ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
      ['a UTF-8-encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
      ['a truncated sequence (E2 82)', [0xe2, 0x82]],
    ])('refuses %s with INVALID_UTF8', (_, bad) => {
      const text = expectedLeaf.split('svc-ledger-export');
      const bytes = new Uint8Array([...leafOf(`${text[0]}svc-`), ...bad, ...leafOf(`${text[1]}`)]);
      expect(errorOf(() => decodeLeaf(bytes)).code).toBe('INVALID_UTF8');
    });

    it('refuses a byte order mark', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...leafOf(expectedLeaf)]);
      expect(errorOf(() => decodeLeaf(bytes)).code).toBe('INVALID_JSON');
    });

    it('refuses an escaped lone surrogate with LONE_SURROGATE', () => {
      expect(errorOf(() => decodeLeaf(withLeaf((t) => t.replace('akid-7f3c', 'akid-\\ud800')))).code).toBe('LONE_SURROGATE');
    });

    it('refuses bytes that are not JSON', () => {
      expect(errorOf(() => decodeLeaf(leafOf('{"index":0'))).code).toBe('INVALID_JSON');
      expect(errorOf(() => decodeLeaf(new Uint8Array())).code).toBe('INVALID_JSON');
    });

    it('refuses canonical JSON that is not a valid envelope', () => {
      expect(errorOf(() => decodeLeaf(withLeaf((t) => t.replace('"v":1', '"v":2')))).code).toBe('INVALID_ENVELOPE');
      expect(errorOf(() => decodeLeaf(leafOf('[]'))).code).toBe('INVALID_ENVELOPE');
      // A member a later version might add, in its canonical place: this version refuses it.
      const extra = withLeaf((t) => t.replace(',"prev"', ',"later":true,"prev"'));
      const err = errorOf(() => decodeLeaf(extra));
      expect([err.code, err.problems?.map((p) => p.field)]).toEqual(['INVALID_ENVELOPE', ['later']]);
    });

    it('refuses a record the schema refuses, with INVALID_RECORD', () => {
      const err = errorOf(() => decodeLeaf(withLeaf((t) => t.replace('"kind":"workload"', '"kind":"robot"'))));
      expect(err.code).toBe('INVALID_RECORD');
      expect(err.problems?.map((p) => p.field)).toEqual(['record.actor.kind']);
    });

    it('does not rerun the secret scan, so a stricter scan never makes old entries unreadable', () => {
      const leaf = withLeaf((t) => t.replace('akid-7f3c', `AKIA${'Q'.repeat(16)}`));
      expect(decodeLeaf(leaf).record).toMatchObject({ credentialId: `AKIA${'Q'.repeat(16)}` });
    });
  });
});

describe('formatTimestamp', () => {
  it('writes RFC 3339 UTC with milliseconds', () => {
    expect(formatTimestamp(Date.UTC(2026, 8, 14, 2, 0, 0, 0))).toBe('2026-09-14T02:00:00.000Z');
    expect(formatTimestamp(Date.UTC(2026, 8, 14, 2, 0, 0, 7))).toBe('2026-09-14T02:00:00.007Z');
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(formatTimestamp(Date.UTC(9999, 11, 31, 23, 59, 59, 999))).toBe('9999-12-31T23:59:59.999Z');
  });

  it.each([
    ['the year 10000', Date.UTC(10000, 0, 1)],
    ['a year before 0', Date.UTC(-1, 0, 1)],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['beyond the Date range', 8.64e15 + 1],
  ])('refuses %s with INVALID_TIMESTAMP', (_, ms) => {
    expect(errorOf(() => formatTimestamp(ms)).code).toBe('INVALID_TIMESTAMP');
  });
});
