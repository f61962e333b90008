/**
 * The crash harness's own, independent arithmetic: it shares no code with the ledger it judges.
 * RFC 9162 §2.1.1 hashing and Merkle Tree Hash, and C2SP signed-note checkpoints verified with
 * node:crypto's Ed25519 directly.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]); // RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0))
const NODE_PREFIX = Buffer.from([0x01]); // RFC 9162 §2.1.1: SHA-256(0x01 || MTH(left) || MTH(right))
const ED25519_ALGORITHM = 0x01; // C2SP signed-note: signature type byte of Ed25519 keys
// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4), followed by the raw 32-byte key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_HASH_BYTES = 4; // C2SP signed-note: key ID = first 4 bytes of SHA-256(name || "\n" || key)
const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f]/; // C2SP signed-note: only newline is allowed
const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/; // "— <name> <base64(key ID || signature)>"

export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export const leafHashOf = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);
export const nodeHashOf = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

/** MTH of leaf hashes [lo, hi), by the RFC's recursive definition (split at the largest power of two below n). */
export function merkleTreeHash(leafHashes: readonly Buffer[], lo = 0, hi = leafHashes.length): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return leafHashes[lo]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHashOf(merkleTreeHash(leafHashes, lo, lo + k), merkleTreeHash(leafHashes, lo + k, hi));
}

/**
 * Roots of every prefix as leaves are added one by one: a stack of perfect subtrees, folded from
 * the right for the root (the same value as merkleTreeHash, in O(log n) per leaf).
 */
export class PrefixRoots {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  size = 0;

  add(leafHash: Buffer): void {
    let node = { size: 1, hash: leafHash };
    while (this.stack.length && this.stack.at(-1)!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHashOf(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return sha256();
    let root = this.stack.at(-1)!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHashOf(this.stack[i]!.hash, root);
    return root;
  }
}

export interface OracleKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

/**
 * Parses a verifier key `<name>+<hex8>+<base64(0x01 || 32-byte key)>` and checks its key ID.
 * Split on the first two `+` only: standard base64 may itself contain `+`.
 */
export function parseVerifierKey(vkey: string): OracleKey {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const [name, hex, b64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  const raw = Buffer.from(b64, 'base64');
  if (first < 1 || second < 0 || !/^[0-9a-fA-F]{8}$/.test(hex) || raw.length !== 33 || raw[0] !== ED25519_ALGORITHM) {
    throw new Error(`bad verifier key ${vkey}`);
  }
  const keyId = sha256(Buffer.from(`${name}\n`), raw).subarray(0, KEY_HASH_BYTES);
  if (keyId.toString('hex') !== hex.toLowerCase()) throw new Error(`verifier key ${vkey}: key ID does not match the key`);
  const publicKey = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw.subarray(1)]), format: 'der', type: 'spki' });
  return { name, keyId, publicKey };
}

export interface OracleCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/**
 * Opens a signed checkpoint note: the body (C2SP tlog-checkpoint: origin, size, base64 root,
 * then extension lines) must carry a valid Ed25519 signature by `key`. Throws saying why not.
 */
export function openCheckpointNote(note: string, key: OracleKey): OracleCheckpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('note has no signature block');
  if (CONTROL_CHARACTER.test(note)) throw new Error('note holds a control character other than newline');
  const body = note.slice(0, split + 1);
  let signed = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = SIGNATURE_LINE.exec(line);
    if (!m) throw new Error(`malformed signature line ${JSON.stringify(line)}`);
    const blob = Buffer.from(m[2]!, 'base64');
    if (blob.toString('base64') !== m[2]) throw new Error('signature is not canonical base64');
    if (m[1] !== key.name || !blob.subarray(0, KEY_HASH_BYTES).equals(key.keyId)) continue;
    if (!verify(null, Buffer.from(body), key.publicKey, blob.subarray(KEY_HASH_BYTES))) throw new Error('bad signature');
    signed = true;
  }
  if (!signed) throw new Error(`no signature by ${key.name}`);
  // C2SP tlog-checkpoint: origin, decimal size without leading zeros, canonical base64 root, non-empty extensions.
  const [origin, size, root, ...extensions] = body.slice(0, -1).split('\n');
  if (origin !== key.name || !/^(0|[1-9][0-9]*)$/.test(size ?? '') || !Number.isSafeInteger(Number(size))) throw new Error('malformed checkpoint body');
  if (extensions.some((line) => line === '')) throw new Error('empty extension line');
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root) throw new Error('checkpoint root is not canonical base64 of 32 bytes');
  if (size === '0' && !rootHash.equals(sha256())) throw new Error('a size-0 checkpoint must carry the empty-tree root');
  return { origin, size: Number(size), root: rootHash };
}

/**
 * RFC 9162 §2.1.4.2: verifies a consistency proof from (first, firstHash) to (second,
 * secondHash). Sizes are handled with arithmetic, not 32-bit bit operators.
 */
export function consistencyHolds(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: readonly Buffer[]): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  const path = isPowerOfTwo(first) ? [firstHash, ...proof] : [...proof];
  if (path.length === 0) return false;
  const odd = (x: number) => x % 2 === 1;
  const half = (x: number) => Math.floor(x / 2);
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHashOf(c, fr);
      sr = nodeHashOf(c, sr);
      if (!odd(fn)) while (!(odd(fn) || fn === 0)) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHashOf(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
