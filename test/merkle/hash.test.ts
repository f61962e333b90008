/** RFC 9162 §2.1.1 hashing, checked against SHA-256 over hand-built inputs (node:crypto directly). */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { emptyRoot, leafHash, nodeHash } from '../../src/merkle/index.js';

const sha256Hex = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe.each([nodeCrypto, nobleCrypto])('tree hashing with $name crypto', (c) => {
  it('hashes the empty tree as SHA-256 of the empty string', () => {
    expect(toHex(emptyRoot(c))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the empty leaf as SHA-256(0x00), the first classic RFC 6962 leaf hash', () => {
    expect(toHex(leafHash(c, new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('prefixes leaf data with 0x00', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
      expect(toHex(leafHash(c, data))).toBe(sha256Hex(Uint8Array.of(0x00), data));
    }));
  });

  it('prefixes the two children with 0x01, left first', () => {
    fc.assert(fc.property(hash32, hash32, (left, right) => {
      expect(toHex(nodeHash(c, left, right))).toBe(sha256Hex(Uint8Array.of(0x01), left, right));
    }));
  });

  it('does not change its inputs', () => {
    const left = new Uint8Array(32).fill(7);
    const right = new Uint8Array(32).fill(9);
    nodeHash(c, left, right);
    leafHash(c, left);
    expect(left.every((b) => b === 7) && right.every((b) => b === 9)).toBe(true);
  });
});
