/**
 * API bearer tokens: generation and the hash under which they are stored. No I/O beyond the
 * random source, no express, so the store and the CLI use it too.
 *
 * Token text: `elt_<role>_<43 base64url chars>` (32 random bytes, RFC 4648 §5, unpadded). The
 * fixed prefix lets secret scanners (and our own evidence checks) recognise a leaked token.
 */
import { createHash, randomBytes } from 'node:crypto';

export const ROLES = ['writer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_PREFIX = 'elt_';
/** 256 bits: far beyond guessing, and the hash needs no salt or slow KDF for a secret this strong. */
export const TOKEN_SECRET_BYTES = 32;
/** 48 bits: public ids only need to be unique among a ledger's tokens, and short to read out. */
export const TOKEN_ID_BYTES = 6;
export const TOKEN_ID_PREFIX = 'tok_';

/** Matches a token anywhere in a text, e.g. to refuse one submitted as evidence. */
export const TOKEN_PATTERN = /elt_(?:writer|auditor|admin)_[A-Za-z0-9_-]{43}/;

export interface GeneratedToken {
  /** The secret: shown once, never stored. */
  token: string;
  /** Public id, for listing and revocation (`tok_` + 12 hex digits). */
  id: string;
  /** SHA-256 of the token's UTF-8 bytes: what the store keeps. */
  hash: Uint8Array;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function generateToken(role: Role): GeneratedToken {
  if (!isRole(role)) throw new TypeError(`unknown token role: ${String(role)}`);
  const token = `${TOKEN_PREFIX}${role}_${randomBytes(TOKEN_SECRET_BYTES).toString('base64url')}`;
  const id = TOKEN_ID_PREFIX + randomBytes(TOKEN_ID_BYTES).toString('hex');
  return { token, id, hash: hashToken(token) };
}

export function hashToken(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}
