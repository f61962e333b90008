/**
 * Well-known secret formats, matched in EVERY string of a record whatever its field is
 * called. Each pattern keys on a vendor prefix or a structure that ordinary identifiers,
 * fingerprints, ARNs and URLs do not have, so false positives stay rare.
 */
import { fromBase64 } from '../crypto/bytes.js';

interface SecretPattern {
  /** Completes "looks like ...". */
  what: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // RFC 7468 labels: PRIVATE KEY, RSA/EC/DSA/OPENSSH/ENCRYPTED PRIVATE KEY, and PGP's "PRIVATE KEY BLOCK".
  { what: 'a PEM private key', pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/ },
  // AWS access key ids: long-term (AKIA) and STS temporary (ASIA), then 16 upper-case alphanumerics.
  { what: 'an AWS access key id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  // GitHub: personal (ghp_), OAuth (gho_), user (ghu_), app (ghs_), refresh (ghr_), fine-grained (github_pat_).
  { what: 'a GitHub token', pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: 'a Slack token', pattern: /(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/ },
  // Stripe live secret (sk_) and restricted (rk_) keys; publishable pk_ keys are public.
  { what: 'a Stripe secret key', pattern: /(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16,}/ },
  { what: 'a Google API key', pattern: /(?<![A-Za-z0-9])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/ },
  // RFC 7519 JWT: base64url of '{"' opens both header and payload ("eyJ").
  { what: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\./ },
  // RFC 3986 §3.2.1: a password in the userinfo of a URL ("Use of the format user:password ... is deprecated").
  // The scheme starts at a boundary and is bounded, so a long run of letters costs linear time, not quadratic.
  { what: 'a URL with an embedded password', pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^/\s:@]+:[^/\s@]+@/ },
];

/**
 * Every pattern as one alternation, so one scan clears the ordinary string (nearly all of them)
 * instead of eight. Only sound while no pattern has flags or numbered backreferences.
 */
const ANY_SECRET_PATTERN = SECRET_PATTERNS.every(({ pattern }) => pattern.flags === '' && !/\\\d/.test(pattern.source))
  ? new RegExp(SECRET_PATTERNS.map(({ pattern }) => `(?:${pattern.source})`).join('|'))
  : /(?:)/;

/** Shortest base64 run worth decoding: an Ed25519 PKCS #8 key (48 bytes) is 64 characters. */
const MIN_KEY_BLOB_CHARS = 64;
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/]{${MIN_KEY_BLOB_CHARS},}={0,2}`, 'g');
/** base64 of "openssh-key-v1", the magic that opens an OpenSSH private key (PROTOCOL.key). */
const OPENSSH_KEY_MAGIC = 'b3BlbnNzaC1rZXktdjE';

/**
 * A bare base64 private key (a PEM body without its armour). Private-key structures are
 * DER SEQUENCEs whose first member is a small INTEGER version: PKCS #1 RSAPrivateKey and
 * PKCS #8 v1 (0), RFC 5915 ECPrivateKey and RFC 5958 v2 (1), PKCS #12 PFX (3).
 * Certificates, CSRs and public keys open with a nested SEQUENCE or a long INTEGER instead.
 */
export function looksLikePrivateKeyBlob(text: string): boolean {
  // Removing whitespace only shortens the text, so a shorter one cannot hold such a run.
  if (text.length < MIN_KEY_BLOB_CHARS) return false;
  const compact = text.replace(/\s+/g, '');
  for (const [run] of compact.matchAll(BASE64_RUN)) {
    if (run.startsWith(OPENSSH_KEY_MAGIC)) return true;
    const head = fromBase64(run.slice(0, 16));
    if (head && isDerPrivateKeyHead(head)) return true;
  }
  return false;
}

function isDerPrivateKeyHead(der: Uint8Array): boolean {
  if (der[0] !== 0x30) return false; // SEQUENCE
  const lengthByte = der[1] ?? 0;
  // X.690 §8.1.3: short form below 0x80, else 0x80 | number of length bytes.
  const header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  if (lengthByte === 0x80 || header > 5) return false;
  const version = der[header + 2];
  return der[header] === 0x02 && der[header + 1] === 0x01 && (version === 0 || version === 1 || version === 3);
}

/** What well-known secret `text` looks like, or undefined. */
export function knownSecretFormat(text: string): string | undefined {
  if (ANY_SECRET_PATTERN.test(text)) for (const { what, pattern } of SECRET_PATTERNS) if (pattern.test(text)) return what;
  if (looksLikePrivateKeyBlob(text)) return 'a base64 private key';
  return undefined;
}
