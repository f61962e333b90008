/**
 * Digest forms (contract, "Secret screening, precisely (version 1.1)"): the only shapes a
 * fingerprint field holds, and the only non-reference shape a secret-named member may hold.
 * A fingerprint is a hash of a credential, so its length is a digest length; a value of any
 * other length behind `sha256:` is a secret dressed as a fingerprint.
 */

/** Digest lengths in bytes: MD5 16, SHA-1 20, SHA-224 28, SHA-256 32, SHA-384 48, SHA-512 64. */
const DIGEST_BYTES = new Set([16, 20, 28, 32, 48, 64]);
/** Hex digits of a bare hex fingerprint: MD5 (32), SHA-1 (40), SHA-256 (64). */
const BARE_HEX_DIGITS = new Set([32, 40, 64]);

const ALGORITHM = '(?:sha-?(?:1|224|256|384|512)|sha3-(?:224|256|384|512)|sha512-(?:224|256)|md5|blake2[bs]?(?:-?\\d{3})?|blake3)';
/** `<algorithm>:<hex>`: the hex is a digest or a short prefix of one (4 to 16 digits, `sha256:4b1e`). */
const PREFIXED_HEX = new RegExp(`^${ALGORITHM}:([0-9a-fA-F]+)$`, 'i');
/** `<ALGORITHM>:<unpadded base64>` as OpenSSH prints it (`SHA256:` + 43 characters). */
const PREFIXED_BASE64 = new RegExp(`^${ALGORITHM}:([A-Za-z0-9+/]+)$`, 'i');
/** `MD5:aa:bb:...` or `aa:bb:...`: colon-separated hex bytes. */
const COLON_HEX = new RegExp(`^(?:${ALGORITHM}:)?([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2})+)$`, 'i');
const BARE_HEX = /^[0-9a-fA-F]+$/;

function hexIsDigest(hex: string): boolean {
  return (hex.length >= 4 && hex.length <= 16) || (hex.length % 2 === 0 && DIGEST_BYTES.has(hex.length / 2));
}

/** Bytes that unpadded base64 of `chars` characters encodes, or undefined when no byte string does. */
function base64Bytes(chars: number): number | undefined {
  return chars % 4 === 1 ? undefined : Math.floor((chars * 3) / 4);
}

/** `<algorithm>:...` whose digest part is a digest length (or a short hex prefix). */
export function isPrefixedDigest(text: string): boolean {
  const hex = PREFIXED_HEX.exec(text);
  if (hex) return hexIsDigest(hex[1]!);
  const colon = COLON_HEX.exec(text);
  if (colon && text.includes(':', text.indexOf(':') + 1)) {
    // With an algorithm prefix the bytes follow it; without one, the whole text is bytes.
    if (/^[0-9a-fA-F]{2}:/.test(text)) return false;
    return DIGEST_BYTES.has((colon[1]!.length + 1) / 3);
  }
  const b64 = PREFIXED_BASE64.exec(text);
  if (b64) {
    const bytes = base64Bytes(b64[1]!.length);
    return bytes !== undefined && DIGEST_BYTES.has(bytes);
  }
  return false;
}

/** Every digest form a fingerprint field accepts: prefixed ones, bare hex of 32, 40 or 64 digits, colon-separated hex bytes. */
export function isDigestForm(text: string): boolean {
  if (BARE_HEX.test(text)) return BARE_HEX_DIGITS.has(text.length);
  const colon = COLON_HEX.exec(text);
  if (colon && /^[0-9a-fA-F]{2}:/.test(text)) return DIGEST_BYTES.has((colon[1]!.length + 1) / 3);
  return isPrefixedDigest(text);
}
