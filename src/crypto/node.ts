/** node:crypto implementation of {@link Crypto}, for the server's hot paths. Not for browser code. */
import { createHash, createPrivateKey, createPublicKey, hash, sign, verify, type KeyObject } from 'node:crypto';
import type { Crypto } from './types.js';

// DER prefixes that wrap a raw Ed25519 key (RFC 8410): PKCS#8 around the 32-byte seed,
// SubjectPublicKeyInfo around the 32-byte public key.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// KeyObject construction costs more than a signature; a ledger uses one or two keys,
// so a tiny cache keyed by the raw bytes is enough (bounded so it cannot grow).
const KEY_CACHE_LIMIT = 64;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(map: Map<string, KeyObject>, raw: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(raw).toString('hex');
  let key = map.get(id);
  if (!key) {
    if (map.size >= KEY_CACHE_LIMIT) map.clear();
    key = make();
    map.set(id, key);
  }
  return key;
}

function privateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new TypeError(`expected a 32-byte Ed25519 seed, got length=${seed.length}`);
  return cached(privateKeys, seed, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  );
}

function publicKey(raw: Uint8Array): KeyObject {
  return cached(publicKeys, raw, () =>
    createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' }),
  );
}

/**
 * A plain Uint8Array over a Buffer's bytes: callers get the same type from both implementations,
 * and no Buffer-only behaviour (a `slice` that shares memory) leaks into portable code.
 */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function sha256(...chunks: Uint8Array[]): Uint8Array {
  // crypto.hash (Node >= 20.12) is the fastest one-shot; chunks are joined first,
  // which for the 65-byte Merkle inputs is cheaper than a streaming Hash object.
  if (chunks.length === 1) return plain(hash('sha256', chunks[0]!, 'buffer'));
  if (chunks.length <= 4) return plain(hash('sha256', Buffer.concat(chunks), 'buffer'));
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return plain(h.digest());
}

export const nodeCrypto: Crypto = {
  name: 'node',
  sha256,
  ed25519PublicKey(seed) {
    const der = createPublicKey(privateKey(seed)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(der.subarray(SPKI_ED25519_PREFIX.length));
  },
  ed25519Sign: (seed, message) => plain(sign(null, message, privateKey(seed))),
  ed25519Verify(raw, message, signature) {
    if (raw.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKey(raw), signature);
    } catch {
      return false;
    }
  },
};
