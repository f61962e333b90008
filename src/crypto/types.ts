/**
 * The one interface over SHA-256 and Ed25519 (RFC 8032) that the Merkle, note and
 * verification code use. Two implementations give identical bytes:
 *  - `nodeCrypto` (node:crypto): the server's hot paths, several times faster here;
 *  - `nobleCrypto` (@noble/hashes, @noble/ed25519): pure JS, runs in a browser.
 * Code that must run in a browser imports only `noble.ts`, never `node.ts`.
 */
export interface Crypto {
  readonly name: 'node' | 'noble';
  /** SHA-256 of the concatenation of `chunks`. */
  sha256(...chunks: Uint8Array[]): Uint8Array;
  /** Ed25519 public key (32 bytes) of a 32-byte seed (RFC 8032 §5.1.5). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** Ed25519 signature (64 bytes) of `message` with a 32-byte seed. Deterministic. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** True only when `signature` is a valid signature of `message` by `publicKey`; never throws. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
