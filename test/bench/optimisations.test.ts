/**
 * Code rewritten for speed must say exactly what the code it replaced said. Each fast path is
 * held to an independent oracle on generated inputs: the secret scan's one-pass prefilter and remembered name verdicts to the plain loop they skip;
 * hex and base64 built as character codes to node's Buffer encoders; time ranges found by
 * binary search over the index (migration 003) to a count and a filter over every entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SECRET_PATTERNS, knownSecretFormat } from '../../src/evidence/secret-patterns.js';
import { isSecretName, nameWords } from '../../src/evidence/secret-names.js';
import { fromBase64, toBase64, toHex } from '../../src/crypto/bytes.js';
import { benchRecord } from '../../scripts/bench-records.js';
import { openTestLedger, type TestLedger } from '../support/ledger.js';
import { formatTimestamp } from '../../src/evidence/index.js';
import type { EvidenceRecord } from '../../src/evidence/index.js';

/** knownSecretFormat as it was before the prefilter: every pattern in turn, then the base64 key blob. */
function knownSecretFormatReference(text: string): string | undefined {
  for (const { what, pattern } of SECRET_PATTERNS) if (pattern.test(text)) return what;
  const compact = text.replace(/\s+/g, '');
  for (const [run] of compact.matchAll(/[A-Za-z0-9+/]{64,}={0,2}/g)) {
    if (run.startsWith('b3BlbnNzaC1rZXktdjE')) return 'a base64 private key';
    const der = fromBase64(run.slice(0, 16));
    if (!der || der[0] !== 0x30) continue;
    const lengthByte = der[1] ?? 0;
    const header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
    if (lengthByte === 0x80 || header > 5) continue;
    const version = der[header + 2];
    if (der[header] === 0x02 && der[header + 1] === 0x01 && (version === 0 || version === 1 || version === 3)) return 'a base64 private key';
  }
  return undefined;
}

/** Secrets of each well-known format (synthetic, matching the documented shapes). */
const SECRET_SAMPLES = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'AKIA' + 'IOSFODNN7EXAMPLE',
  'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
  'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnop',
  'xoxb-' + '1234567890-abcdefghij',
  'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
  'AIza' + 'SyD-1234567890abcdefghijklmnopqrstu',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  'https://user:hunter2@db.example.com',
  'MC4CAQAwBQYDK2VwBCIEIJ' + 'A'.repeat(48),
  'b3BlbnNzaC1rZXktdjE' + 'A'.repeat(60),
];

describe('secret scan fast paths', () => {
  it('finds the same format as the pattern-by-pattern loop, in random text and around real shapes', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...SECRET_SAMPLES), fc.string({ maxLength: 20 })).map(([a, b, c]) => a + b + c),
      fc.stringMatching(/^[A-Za-z0-9+/ ]{40,140}$/),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(knownSecretFormat(t)).toBe(knownSecretFormatReference(t));
      }),
      { numRuns: 3000 },
    );
    for (const sample of SECRET_SAMPLES) expect(knownSecretFormat(sample), sample).toBeDefined();
  });

  it('answers a name the same the first time and every time after, and stays bounded', () => {
    const names = ['password', 'tokenId', 'value', 'clientSecret', 'apiKey', 'note', 'data', 'secretRef'];
    const parents = [undefined, 'credential', 'key', 'metadata'];
    const first = names.flatMap((n) => parents.map((p) => isSecretName(n, p)));
    // Thousands of distinct names (details keys are the sender's) must not change the answers.
    for (let i = 0; i < 10_000; i++) isSecretName(`field${i}`, 'x');
    expect(names.flatMap((n) => parents.map((p) => isSecretName(n, p)))).toEqual(first);
    // Hand-derived: "password" is a stem; "tokenId" ends in a descriptive word; a generic "value" takes its parent.
    expect(isSecretName('password')).toBe(true);
    expect(isSecretName('tokenId')).toBe(false);
    expect(isSecretName('value', 'credential')).toBe(true);
    expect(isSecretName('value', 'metadata')).toBe(false);
    expect(nameWords('clientSecret')).toEqual(['client', 'secret']);
  });
});

describe('hex and base64 built as character codes', () => {
  it('match Buffer for any bytes, including texts longer than one String.fromCharCode call', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 2000 },
    );
    const big = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 131 + 7) & 0xff);
    expect(toHex(big)).toBe(Buffer.from(big).toString('hex'));
    expect(toBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(toBase64(new Uint8Array(0))).toBe('');
    expect(toHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff');
  });
});

describe('time ranges by binary search over the index', () => {
  let t: TestLedger;
  const start = Date.parse('2026-09-14T02:00:00.000Z');
  beforeAll(async () => {
    t = openTestLedger({ nowMs: start });
    // Runs of equal times, gaps, and a clock that steps back (the sequencer never lets receivedAt decrease).
    const steps = [0, 0, 1, 0, 5, -3, 0, 2, 1000, 0, 0, -1000, 7, 1, 1, 0, 60_000, 0, 3, 0];
    for (let i = 0; i < 200; i++) {
      t.now.ms += steps[i % steps.length]!;
      await t.ledger.append('src', [benchRecord(i) as EvidenceRecord]);
    }
  });
  afterAll(() => t.cleanup());

  it('counts and lists exactly what a scan of every entry finds', () => {
    const rows = [...t.store.log.iterate()];
    const times = [...new Set(rows.map((r) => r.receivedAt))];
    const probes = [...times, formatTimestamp(start - 1), formatTimestamp(start + 10_000_000), ...times.map((x) => formatTimestamp(Date.parse(x) + 1))];
    for (const at of probes) {
      expect(t.store.log.countReceivedBefore(at), at).toBe(rows.filter((r) => r.receivedAt < at).length);
    }
    for (const from of probes.slice(0, 12)) {
      for (const before of probes.slice(6, 18)) {
        for (const filter of [{}, { type: 'rotation' }, { controlId: 'ITGC-AC-03', afterIndex: 20 }, { beforeIndex: 150 }]) {
          const got = t.store.log.list({ ...filter, receivedFrom: from, receivedBefore: before }, 1000).map((r) => r.index);
          const want = rows
            .filter((r) => r.receivedAt >= from && r.receivedAt < before)
            .filter((r) => !('type' in filter) || r.type === filter.type)
            .filter((r) => !('controlId' in filter) || r.controlId === filter.controlId)
            .filter((r) => !('afterIndex' in filter) || r.index > filter.afterIndex!)
            .filter((r) => !('beforeIndex' in filter) || r.index < filter.beforeIndex!)
            .map((r) => r.index);
          expect(got, JSON.stringify({ from, before, filter })).toEqual(want);
        }
      }
    }
  });

  it('answers 0 on an empty log', () => {
    const empty = openTestLedger();
    try {
      expect(empty.store.log.countReceivedBefore('2030-01-01T00:00:00.000Z')).toBe(0);
      expect(empty.store.log.list({ receivedFrom: '2000-01-01T00:00:00.000Z' }, 10)).toEqual([]);
    } finally {
      empty.cleanup();
    }
  });
});
