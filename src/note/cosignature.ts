/**
 * C2SP tlog-cosignature v1.0.1 (c2sp.org/tlog-cosignature), Ed25519 `cosignature/v1` only.
 *
 *   key ID      = SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]          (§Format)
 *   line        = — <name> base64(key ID || u64 big-endian timestamp || signature)  (72 bytes after the ID)
 *   message     = "cosignature/v1\n" "time <timestamp>\n" || checkpoint body        (§Signed message)
 *   verifier key = <name>+<hex8 key ID>+<base64(0x04 || public key)>               (signed-note vkey, type 0x04)
 *   signer key   = PRIVATE+KEY+<name>+<hex8 key ID>+<base64(0x04 || 32-byte seed)> (as transparency-dev/formats reads)
 *
 * Verification follows the spec and Go's note.Open: a line whose name and key ID match no
 * configured cosigner is ignored; a line that matches one and does not verify rejects the note.
 */
import type { Crypto } from '../crypto/types.js';
import { concatBytes, fromBase64, toBase64, utf8 } from '../crypto/bytes.js';
import { NoteError } from './errors.js';
import { formatKeyHash, isValidKeyName, type SignerKey, type VerifierKey } from './keys.js';
import { splitSignedNote } from './signed-note.js';

/** Signature type byte of an Ed25519 cosignature/v1 key (tlog-cosignature §Format). */
export const COSIGNATURE_V1_ALGORITHM = 0x04;
/** Domain-separation header line of the signed message. */
export const COSIGNATURE_V1_HEADER = 'cosignature/v1';
const KEY_LENGTH = 32;
const KEY_ID_LENGTH = 4;
const TIMESTAMP_LENGTH = 8;
const SIGNATURE_LENGTH = 64;
const SIGNER_PREFIX = 'PRIVATE+KEY+';
const HEX8 = /^[0-9a-fA-F]{8}$/;

/** A verified cosignature, as a verifier reports it. */
export interface Cosignature {
  /** The cosigner's key name. */
  readonly name: string;
  readonly keyHash: number;
  /** POSIX seconds at which the cosigner signed (tlog-cosignature §Format). */
  readonly timestamp: number;
  /** The signature line, without its newline. */
  readonly line: string;
}

export interface CosignedNote {
  /** The checkpoint body the cosignatures cover. */
  readonly text: string;
  /** One per configured cosigner that signed, in line order; lines of unknown keys are not here. */
  readonly cosignatures: Cosignature[];
}

function malformedKey(message: string): NoteError {
  return new NoteError('MALFORMED_KEY', message);
}

/** tlog-cosignature §Format: the key ID, as a big-endian uint32. */
export function cosignerKeyHash(c: Crypto, name: string, publicKey: Uint8Array): number {
  const h = c.sha256(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_ALGORITHM), publicKey);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/** Splits on the first two `+` (base64 may hold more). */
function threeParts(text: string): [string, string, string] | undefined {
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  return b < 0 ? undefined : [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

function keyMaterial(base64: string, what: string): Uint8Array {
  const raw = fromBase64(base64);
  if (raw === undefined || raw.length === 0) throw malformedKey(`${what} is not canonical standard base64`);
  if (raw[0] !== COSIGNATURE_V1_ALGORITHM) {
    throw malformedKey(`${what} has key type 0x${raw[0]!.toString(16).padStart(2, '0')}; a cosigner key has type 0x04 (tlog-cosignature)`);
  }
  if (raw.length !== 1 + KEY_LENGTH) throw malformedKey(`${what} must be 0x04 followed by 32 bytes, got ${raw.length - 1} bytes`);
  return raw.slice(1);
}

function checkedParts(text: unknown, form: string): { name: string; hash: number; material: string } {
  if (typeof text !== 'string') throw malformedKey(`${form} must be a string`);
  const parts = threeParts(text);
  if (!parts) throw malformedKey(`${form} must be <name>+<hex8>+<base64 key>`);
  const [name, hex, material] = parts;
  if (!isValidKeyName(name)) throw malformedKey(`invalid key name ${JSON.stringify(name)}`);
  if (!HEX8.test(hex)) throw malformedKey(`key ID must be 8 hex digits, got ${JSON.stringify(hex)}`);
  return { name, hash: parseInt(hex, 16), material };
}

/** A cosigner verifier key (vkey of type 0x04); the key ID must match name and key. */
export function parseCosignerKey(c: Crypto, text: string): VerifierKey {
  const { name, hash, material } = checkedParts(text, 'cosigner verifier key');
  const publicKey = keyMaterial(material, 'public key');
  const actual = cosignerKeyHash(c, name, publicKey);
  if (actual !== hash) throw malformedKey(`key ID ${formatKeyHash(hash)} does not match name and public key (expected ${formatKeyHash(actual)})`);
  return { name, keyHash: hash, publicKey };
}

export function formatCosignerKey(k: VerifierKey): string {
  return `${k.name}+${formatKeyHash(k.keyHash)}+${toBase64(concatBytes(Uint8Array.of(COSIGNATURE_V1_ALGORITHM), k.publicKey))}`;
}

/** A cosigner signer key (`PRIVATE+KEY+…`, type 0x04 seed). Secret. */
export function parseCosignerSignerKey(c: Crypto, text: string): SignerKey {
  if (typeof text !== 'string' || !text.startsWith(SIGNER_PREFIX)) throw malformedKey('cosigner signer key must start with PRIVATE+KEY+');
  const { name, hash, material } = checkedParts(text.slice(SIGNER_PREFIX.length), 'cosigner signer key');
  const seed = keyMaterial(material, 'seed');
  const publicKey = c.ed25519PublicKey(seed);
  const actual = cosignerKeyHash(c, name, publicKey);
  if (actual !== hash) throw malformedKey(`key ID ${formatKeyHash(hash)} does not match name and seed (expected ${formatKeyHash(actual)})`);
  return { name, keyHash: hash, publicKey, seed };
}

export function formatCosignerSignerKey(k: SignerKey): string {
  return `${SIGNER_PREFIX}${k.name}+${formatKeyHash(k.keyHash)}+${toBase64(concatBytes(Uint8Array.of(COSIGNATURE_V1_ALGORITHM), k.seed))}`;
}

/** A new cosigner key; the seed comes from the platform CSPRNG unless given (tests). */
export function generateCosignerKey(c: Crypto, name: string, seed?: Uint8Array): SignerKey {
  if (!isValidKeyName(name)) throw malformedKey(`invalid key name ${JSON.stringify(name)}`);
  if (seed !== undefined && seed.length !== KEY_LENGTH) throw malformedKey(`seed must be 32 bytes, got ${seed.length}`);
  const secret = seed ? seed.slice() : globalThis.crypto.getRandomValues(new Uint8Array(KEY_LENGTH));
  const publicKey = c.ed25519PublicKey(secret);
  return { name, keyHash: cosignerKeyHash(c, name, publicKey), publicKey, seed: secret };
}

function checkTimestamp(timestamp: number): void {
  // The spec allows up to 2^63 - 1; a JS number is exact up to 2^53 - 1, some 285 million years.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError('MALFORMED_NOTE', `timestamp must be an integer from 0 to 2^53 - 1, got ${timestamp}`);
}

/** tlog-cosignature §Signed message: header line, time line, then the checkpoint body verbatim. */
export function cosignatureMessage(checkpointBody: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  if (!checkpointBody.endsWith('\n')) throw new NoteError('MALFORMED_NOTE', 'checkpoint body must end with a newline');
  return utf8(`${COSIGNATURE_V1_HEADER}\ntime ${timestamp}\n${checkpointBody}`);
}

/** One cosignature line (ending in `\n`) over `checkpointBody` at `timestamp` (POSIX seconds). */
export function cosignCheckpoint(c: Crypto, checkpointBody: string, signer: SignerKey, timestamp: number): string {
  const message = cosignatureMessage(checkpointBody, timestamp);
  const head = new Uint8Array(KEY_ID_LENGTH + TIMESTAMP_LENGTH);
  const view = new DataView(head.buffer);
  view.setUint32(0, signer.keyHash);
  view.setBigUint64(KEY_ID_LENGTH, BigInt(timestamp));
  const signature = c.ed25519Sign(signer.seed, message);
  return `\u2014 ${signer.name} ${toBase64(concatBytes(head, signature))}\n`;
}

/**
 * Verifies the cosignatures of `cosigners` on a signed checkpoint note. The log's own signature
 * is not this function's business (openCheckpoint checks it). Throws NoteError BAD_SIGNATURE when
 * a line from a configured cosigner does not verify (wrong length, timestamp or signature).
 */
export function verifyCosignatures(c: Crypto, note: string | Uint8Array, cosigners: readonly VerifierKey[]): CosignedNote {
  const { text, lines } = splitSignedNote(note);
  const known = new Map<string, VerifierKey>();
  for (const k of cosigners) known.set(`${formatKeyHash(k.keyHash)}+${k.name}`, k);
  const cosignatures: Cosignature[] = [];
  const seen = new Set<string>();
  for (const s of lines) {
    const id = `${formatKeyHash(s.keyHash)}+${s.name}`;
    const key = known.get(id);
    if (!key) continue;
    const bytes = s.signatureBytes;
    const bad = (why: string) => new NoteError('BAD_SIGNATURE', `invalid cosignature from ${s.name}+${formatKeyHash(s.keyHash)}: ${why}`);
    if (bytes.length !== TIMESTAMP_LENGTH + SIGNATURE_LENGTH) throw bad(`expected 72 bytes after the key ID, got ${bytes.length}`);
    const time = new DataView(bytes.buffer, bytes.byteOffset, TIMESTAMP_LENGTH).getBigUint64(0);
    if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`timestamp ${time} is beyond what this verifier represents`);
    const timestamp = Number(time);
    if (!c.ed25519Verify(key.publicKey, cosignatureMessage(text, timestamp), bytes.subarray(TIMESTAMP_LENGTH))) throw bad('signature does not verify');
    if (seen.has(id)) continue;
    seen.add(id);
    cosignatures.push({ name: s.name, keyHash: s.keyHash, timestamp, line: s.line });
  }
  return { text, cosignatures };
}
