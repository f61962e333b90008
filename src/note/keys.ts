/**
 * Ed25519 note keys in the text forms of C2SP signed-note and golang.org/x/mod/sumdb/note:
 *
 *   verifier key: <name>+<hex8 key hash>+<base64(0x01 || 32-byte public key)>
 *   signer key:   PRIVATE+KEY+<name>+<hex8 key hash>+<base64(0x01 || 32-byte seed)>
 *
 * Key hash (C2SP signed-note §Signatures, "key ID"):
 *   SHA-256(name || 0x0A || 0x01 || public key)[:4], read as a big-endian uint32.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, concatBytes, fromBase64, toBase64, utf8 } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import { hasForbiddenControl, isWellFormedUnicode } from './text.js';

/** Signature type byte for Ed25519 (C2SP signed-note §Signature types). */
export const ED25519_ALGORITHM = 0x01;
const ED25519_KEY_LENGTH = 32;
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';
const HEX8 = /^[0-9a-fA-F]{8}$/;

/**
 * "Unicode spaces" as Go's unicode.IsSpace sees them (the reference implementation),
 * so a name accepted here is accepted there and the other way round.
 */
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

export interface VerifierKey {
  readonly name: string;
  /** uint32 key ID, as on signature lines. */
  readonly keyHash: number;
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** 32-byte Ed25519 seed (RFC 8032 §5.1.5 private key). Secret. */
  readonly seed: Uint8Array;
}

/**
 * C2SP signed-note: key names are non-empty, with no Unicode spaces and no `+`.
 * We also refuse control characters and lone surrogates: no valid note can carry
 * such a name on a signature line, so a key with one could never verify anything.
 */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !hasForbiddenControl(name) &&
    isWellFormedUnicode(name)
  );
}

export function keyHash(c: Crypto, name: string, publicKey: Uint8Array): number {
  const h = c.sha256(utf8(name), Uint8Array.of(0x0a, ED25519_ALGORITHM), publicKey);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

export function formatKeyHash(hash: number): string {
  return hash.toString(16).padStart(8, '0');
}

function malformed(message: string): NoteError {
  return new NoteError('MALFORMED_KEY', message);
}

/** Splits `text` on its first `count` separators; the last part keeps any further ones (base64 may hold `+`). */
function splitFirst(text: string, separator: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

/** Decodes `base64(0x01 || 32 bytes)`, the key part shared by both key forms. */
function decodeEd25519KeyMaterial(base64: string, what: string): Uint8Array {
  const raw = fromBase64(base64);
  if (raw === undefined || raw.length === 0) throw malformed(`${what} is not canonical standard base64`);
  if (raw[0] !== ED25519_ALGORITHM) {
    throw malformed(`unknown key algorithm 0x${raw[0]!.toString(16).padStart(2, '0')}; only Ed25519 (0x01) is supported`);
  }
  if (raw.length !== 1 + ED25519_KEY_LENGTH) {
    throw malformed(`${what} must be 0x01 followed by 32 bytes, got ${raw.length - 1} bytes`);
  }
  return raw.slice(1);
}

function parseHex8(text: string): number {
  // Upper case accepted, as the reference (strconv.ParseUint base 16) does; we always write lower case.
  if (!HEX8.test(text)) throw malformed(`key hash must be 8 hex digits, got ${JSON.stringify(text)}`);
  return parseInt(text, 16);
}

export function parseVerifierKey(c: Crypto, text: string): VerifierKey {
  if (typeof text !== 'string') throw malformed('verifier key must be a string');
  const parts = splitFirst(text, '+', 2);
  if (parts.length !== 3) throw malformed('verifier key must be <name>+<hex8>+<base64 key>');
  const [name, hex, key] = parts as [string, string, string];
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const hash = parseHex8(hex);
  const publicKey = decodeEd25519KeyMaterial(key, 'public key');
  const actual = keyHash(c, name, publicKey);
  if (actual !== hash) {
    throw malformed(`key hash ${hex} does not match name and public key (expected ${formatKeyHash(actual)})`);
  }
  return { name, keyHash: hash, publicKey };
}

export function formatVerifierKey(k: VerifierKey): string {
  assertKeyShape(k);
  const material = concatBytes(Uint8Array.of(ED25519_ALGORITHM), k.publicKey);
  return `${k.name}+${formatKeyHash(k.keyHash)}+${toBase64(material)}`;
}

export function parseSignerKey(c: Crypto, text: string): SignerKey {
  if (typeof text !== 'string') throw malformed('signer key must be a string');
  if (!text.startsWith(SIGNER_KEY_PREFIX)) throw malformed('signer key must start with PRIVATE+KEY+');
  const parts = splitFirst(text.slice(SIGNER_KEY_PREFIX.length), '+', 2);
  if (parts.length !== 3) throw malformed('signer key must be PRIVATE+KEY+<name>+<hex8>+<base64 seed>');
  const [name, hex, key] = parts as [string, string, string];
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const hash = parseHex8(hex);
  const seed = decodeEd25519KeyMaterial(key, 'seed');
  // The key hash covers the public key, which only the seed reveals: derive, then compare.
  const publicKey = c.ed25519PublicKey(seed);
  const actual = keyHash(c, name, publicKey);
  if (actual !== hash) {
    throw malformed(`key hash ${hex} does not match name and seed (expected ${formatKeyHash(actual)})`);
  }
  return { name, keyHash: hash, publicKey, seed };
}

export function formatSignerKey(k: SignerKey): string {
  assertKeyShape(k);
  if (!(k.seed instanceof Uint8Array) || k.seed.length !== ED25519_KEY_LENGTH) throw malformed('seed must be 32 bytes');
  const material = concatBytes(Uint8Array.of(ED25519_ALGORITHM), k.seed);
  return `${SIGNER_KEY_PREFIX}${k.name}+${formatKeyHash(k.keyHash)}+${toBase64(material)}`;
}

/** A new Ed25519 note key; the seed comes from the platform CSPRNG unless given (tests, derivation). */
export function generateSignerKey(c: Crypto, name: string, seed?: Uint8Array): SignerKey {
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  if (seed !== undefined && (!(seed instanceof Uint8Array) || seed.length !== ED25519_KEY_LENGTH)) {
    throw malformed(`seed must be 32 bytes, got ${seed instanceof Uint8Array ? seed.length : typeof seed}`);
  }
  const secret = seed ? seed.slice() : globalThis.crypto.getRandomValues(new Uint8Array(ED25519_KEY_LENGTH));
  const publicKey = c.ed25519PublicKey(secret);
  return { name, keyHash: keyHash(c, name, publicKey), publicKey, seed: secret };
}

/** The public half of a signer key; never carries the seed. */
export function verifierKeyOf(signer: SignerKey): VerifierKey {
  return { name: signer.name, keyHash: signer.keyHash, publicKey: signer.publicKey.slice() };
}

/** Checks the shape of a key object a caller may have built by hand: name, uint32 hash, 32-byte key. */
function assertKeyShape(k: VerifierKey): void {
  if (typeof k !== 'object' || k === null) throw malformed('key must be an object');
  if (!isValidKeyName(k.name)) throw malformed(`invalid key name ${JSON.stringify(k.name)}`);
  if (!Number.isInteger(k.keyHash) || k.keyHash < 0 || k.keyHash > 0xffffffff) {
    throw malformed(`key hash of ${k.name} must be a uint32`);
  }
  if (!(k.publicKey instanceof Uint8Array) || k.publicKey.length !== ED25519_KEY_LENGTH) {
    throw malformed(`public key of ${k.name} must be 32 bytes`);
  }
}

/**
 * Checks a key object that did not come from the parsers above: its shape, and a key
 * hash that matches its name and public key (else signature lines would be misattributed).
 */
export function assertConsistentKey(c: Crypto, k: VerifierKey): void {
  assertKeyShape(k);
  if (keyHash(c, k.name, k.publicKey) !== k.keyHash) {
    throw malformed(`key hash ${formatKeyHash(k.keyHash)} of ${k.name} does not match its public key`);
  }
}

/** True when both describe the same key (same name, key hash and public key). */
export function sameKey(a: VerifierKey, b: VerifierKey): boolean {
  return a.name === b.name && a.keyHash === b.keyHash && bytesEqual(a.publicKey, b.publicKey);
}
