import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  NoteError,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  keyHash,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
} from '../../src/note/index.js';
import { cryptos, hexBytes, thrownBy, vectors } from './fixtures.js';

describe.each(cryptos)('note keys ($name crypto)', (c) => {
  describe('key hash', () => {
    it.each(vectors.keys)('matches the vector key hash of $role', (k) => {
      expect(keyHash(c, k.name, hexBytes(k.public_key_hex)).toString(16).padStart(8, '0')).toBe(k.key_hash_hex);
    });

    it('is SHA-256(name || 0x0A || 0x01 || key)[:4] big-endian, computed independently', () => {
      const pub = new Uint8Array(32).fill(7);
      const digest = createHash('sha256').update('a.example/k\n\x01').update(pub).digest();
      expect(keyHash(c, 'a.example/k', pub)).toBe(digest.readUInt32BE(0));
    });
  });

  describe('verifier key parsing', () => {
    it.each(vectors.verifier_key_parsing.filter((v) => v.valid))('accepts $case', (v) => {
      const key = parseVerifierKey(c, v.verifier_key);
      expect(key.keyHash.toString(16).padStart(8, '0')).toBe(v.verifier_key.split('+')[1]!.toLowerCase());
      // Formatting writes lower-case hex, so it gives back the input up to the hash's case.
      const [name, hex, ...rest] = v.verifier_key.split('+');
      expect(formatVerifierKey(key)).toBe([name, hex!.toLowerCase(), ...rest].join('+'));
    });

    it.each(vectors.verifier_key_parsing.filter((v) => !v.valid))('rejects $case ($reference_result)', (v) => {
      const err = thrownBy(() => parseVerifierKey(c, v.verifier_key));
      expect(err).toBeInstanceOf(NoteError);
      expect((err as NoteError).code).toBe('MALFORMED_KEY');
    });

    it('splits on the first two + only: the base64 key may contain +', () => {
      const log = vectors.keys.find((k) => k.role === 'log')!;
      expect(log.verifier_key.split('+').length).toBeGreaterThan(3);
      expect(parseVerifierKey(c, log.verifier_key).publicKey).toEqual(hexBytes(log.public_key_hex));
    });
  });

  describe('signer keys', () => {
    it.each(vectors.keys)('parses and formats back the signer key of $role', (k) => {
      const signer = parseSignerKey(c, k.signer_key);
      expect(signer.name).toBe(k.name);
      expect(signer.seed).toEqual(hexBytes(k.seed_hex));
      expect(signer.publicKey).toEqual(hexBytes(k.public_key_hex));
      expect(formatSignerKey(signer)).toBe(k.signer_key);
      expect(formatVerifierKey(verifierKeyOf(signer))).toBe(k.verifier_key);
    });

    it.each(vectors.keys)('derives the vector key of $role from its seed', (k) => {
      // seed = SHA-256(seed_label), per the vectors README
      const seed = new Uint8Array(createHash('sha256').update(k.seed_label).digest());
      const signer = generateSignerKey(c, k.name, seed);
      expect(formatSignerKey(signer)).toBe(k.signer_key);
      expect(formatVerifierKey(verifierKeyOf(signer))).toBe(k.verifier_key);
    });

    it('rejects a signer key whose hash does not match its seed', () => {
      const log = vectors.keys.find((k) => k.role === 'log')!;
      const other = vectors.keys.find((k) => k.role === 'wrong_log_key')!;
      const swapped = log.signer_key.replace(log.key_hash_hex, other.key_hash_hex);
      expect((thrownBy(() => parseSignerKey(c, swapped)) as NoteError).code).toBe('MALFORMED_KEY');
    });

    it.each([
      ['a verifier key', 'ledger.example/log+0fd18d00+AVK/eF+U8MthZsxc+7puh0brmBPxWUhgYuu7UduFuJit', /PRIVATE\+KEY/],
      ['a lower-case prefix', 'private+key+ledger.example/log+0fd18d00+ASWqbeQpQvJWebfzlzyfIyCcE/Zf21clFuTcuYCCjyOb', /PRIVATE\+KEY/],
      ['a missing seed', 'PRIVATE+KEY+ledger.example/log+0fd18d00', /must be PRIVATE/],
      ['a 30-byte seed', 'PRIVATE+KEY+ledger.example/log+0fd18d00+ASWqbeQpQvJWebfzlzyfIyCcE/Zf21clFuTcuYCCjw==', /got 30 bytes/],
      ['algorithm byte 2', 'PRIVATE+KEY+ledger.example/log+0fd18d00+AiWqbeQpQvJWebfzlzyfIyCcE/Zf21clFuTcuYCCjyOb', /algorithm 0x02/],
      ['non-canonical base64 (pad bits set)', 'PRIVATE+KEY+ledger.example/log+0fd18d00+ASWqbeQpQvJWebfzlzyfIyCcE/Zf21clFuTcuYCCjx==', /base64/],
    ])('rejects %s', (_label, text, message) => {
      const err = thrownBy(() => parseSignerKey(c, text));
      expect(err).toBeInstanceOf(NoteError);
      expect((err as NoteError).code).toBe('MALFORMED_KEY');
      expect((err as NoteError).message).toMatch(message);
    });

    it('generates a fresh random key that round-trips through both text forms', () => {
      const a = generateSignerKey(c, 'ledger.example/fresh');
      const b = generateSignerKey(c, 'ledger.example/fresh');
      expect(a.seed).not.toEqual(b.seed);
      expect(parseSignerKey(c, formatSignerKey(a))).toEqual(a);
      expect(parseVerifierKey(c, formatVerifierKey(verifierKeyOf(a)))).toEqual(verifierKeyOf(a));
    });

    it('keeps the seed out of the verifier key', () => {
      const signer = generateSignerKey(c, 'ledger.example/fresh');
      expect(Object.keys(verifierKeyOf(signer)).sort()).toEqual(['keyHash', 'name', 'publicKey']);
    });

    it('refuses a seed that is not 32 bytes', () => {
      expect((thrownBy(() => generateSignerKey(c, 'x', new Uint8Array(31))) as NoteError).code).toBe('MALFORMED_KEY');
    });
  });
});

describe('key names', () => {
  it.each(['ledger.example/log', 'PeterNeumann', 'example.com/ünïcödé', 'a'])('accepts %j', (name) => {
    expect(isValidKeyName(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a plus', 'a+b'],
    ['a no-break space (U+00A0)', 'a\u00a0b'],
    ['an ideographic space (U+3000)', 'a\u3000b'],
    ['a next-line (U+0085)', 'a\u0085b'],
    ['a control character', 'a\u0001b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('rejects a name with %s', (_label, name) => {
    expect(isValidKeyName(name)).toBe(false);
  });

  it('refuses to generate a key with an invalid name', () => {
    expect((thrownBy(() => generateSignerKey(cryptos[0]!, 'a b')) as NoteError).code).toBe('MALFORMED_KEY');
  });
});
