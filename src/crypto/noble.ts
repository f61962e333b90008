/** Pure-JS implementation of {@link Crypto}: @noble/hashes SHA-256 and @noble/ed25519 (RFC 8032). */
import * as ed from '@noble/ed25519';
import { sha256 as nobleSha256, sha512 } from '@noble/hashes/sha2.js';
import type { Crypto } from './types.js';

// @noble/ed25519 v3 needs a synchronous SHA-512 to offer synchronous sign/verify.
ed.hashes.sha512 = sha512;

function sha256(...chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return nobleSha256(chunks[0]!);
  const h = nobleSha256.create();
  for (const c of chunks) h.update(c);
  return h.digest();
}

export const nobleCrypto: Crypto = {
  name: 'noble',
  sha256,
  ed25519PublicKey: (seed) => ed.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed.sign(message, seed),
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return ed.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};
