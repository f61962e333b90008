import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { fromBase64, fromHex, toBase64, toHex } from '../../src/crypto/bytes.js';
import { loadVectors } from '../support/vectors.js';

const impls = [nodeCrypto, nobleCrypto];

describe('crypto implementations', () => {
  it('agree with each other on SHA-256 of arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), (chunks) => {
        const expected = createHash('sha256');
        for (const c of chunks) expected.update(c);
        const want = expected.digest('hex');
        for (const c of impls) expect(toHex(c.sha256(...chunks))).toBe(want);
      }),
    );
  });

  it('derive the golden vectors\' public keys from their seeds', () => {
    const { keys } = loadVectors('checkpoints.json');
    expect(keys.length).toBeGreaterThan(2);
    for (const k of keys) {
      for (const c of impls) expect(toHex(c.ed25519PublicKey(fromHex(k.seed_hex)))).toBe(k.public_key_hex);
    }
  });

  it('produce identical Ed25519 signatures, and each verifies the other\'s', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const a = nodeCrypto.ed25519Sign(seed, msg);
        const b = nobleCrypto.ed25519Sign(seed, msg);
        expect(toHex(a)).toBe(toHex(b));
        const pub = nodeCrypto.ed25519PublicKey(seed);
        expect(nobleCrypto.ed25519Verify(pub, msg, a)).toBe(true);
        expect(nodeCrypto.ed25519Verify(pub, msg, b)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('verify a signature made by a third implementation (OpenSSL keys)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    const msg = new TextEncoder().encode('checkpoint body\n');
    const sig = new Uint8Array(sign(null, msg, privateKey));
    for (const c of impls) {
      expect(c.ed25519Verify(raw, msg, sig)).toBe(true);
      const bad = sig.slice();
      bad[10]! ^= 1;
      expect(c.ed25519Verify(raw, msg, bad)).toBe(false);
      expect(c.ed25519Verify(raw.subarray(1), msg, sig)).toBe(false);
      expect(c.ed25519Verify(raw, msg, sig.subarray(1))).toBe(false);
    }
  });
});

describe('base64', () => {
  it('round-trips and matches Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = toBase64(b);
        expect(s).toBe(Buffer.from(b).toString('base64'));
        expect(toHex(fromBase64(s)!)).toBe(toHex(b));
      }),
    );
  });

  it('rejects non-canonical encodings', () => {
    for (const bad of ['QQ', 'QR==', 'QUI', 'QUJ=', 'Q===', '-_8=', 'QU I=', 'QQ==QQ==', '====']) {
      expect(fromBase64(bad), bad).toBeUndefined();
    }
    expect(toHex(fromBase64('QQ==')!)).toBe('41');
  });
});
