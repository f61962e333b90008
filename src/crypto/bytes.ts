/** Byte helpers that work the same in Node and in a browser (no Buffer). */

const HEX = /^(?:[0-9a-f]{2})*$/;

/**
 * Hex and base64 text is built as character codes and made a string in one step: a string
 * grown by `+=` is a chain of pieces (a V8 "cons string") that every later reader, such as
 * JSON.stringify of a response, must first flatten, which cost more than the encoding itself.
 */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Characters per String.fromCharCode call, well below any engine's argument limit. */
const CHARS_PER_CALL = 8192;

function asciiText(codes: Uint8Array): string {
  const call = (part: Uint8Array) => String.fromCharCode.apply(null, part as unknown as number[]);
  if (codes.length <= CHARS_PER_CALL) return call(codes);
  let out = '';
  for (let i = 0; i < codes.length; i += CHARS_PER_CALL) out += call(codes.subarray(i, i + CHARS_PER_CALL));
  return out;
}

export function toHex(bytes: Uint8Array): string {
  const codes = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    codes[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    codes[2 * i + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return asciiText(codes);
}

/** Lowercase hex only, as the contract's JSON uses; throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new TypeError('expected lowercase hex of even length');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const PAD_CODE = '='.charCodeAt(0);

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let at = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    codes[at++] = B64_CODES[a >> 2]!;
    codes[at++] = B64_CODES[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    codes[at++] = b === undefined ? PAD_CODE : B64_CODES[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    codes[at++] = c === undefined ? PAD_CODE : B64_CODES[c & 63]!;
  }
  return asciiText(codes);
}

/**
 * Strict standard base64 (RFC 4648 §4): padding required, no whitespace, no URL-safe
 * alphabet, and non-zero pad bits rejected, so every byte string has exactly one
 * accepted encoding. Returns undefined for anything else.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const v: number[] = [];
    for (let j = 0; j < 4; j++) {
      const ch = text[i + j]!;
      if (ch === '=') {
        if (!last || j < 4 - pad) return undefined;
        v.push(0);
        continue;
      }
      const x = B64_INDEX.get(ch);
      if (x === undefined) return undefined;
      v.push(x);
    }
    const n = (v[0]! << 18) | (v[1]! << 12) | (v[2]! << 6) | v[3]!;
    if (last && pad === 2 && (n & 0xffff) !== 0) return undefined;
    if (last && pad === 1 && (n & 0xff) !== 0) return undefined;
    out[at++] = n >> 16;
    if (at < out.length) out[at++] = (n >> 8) & 0xff;
    if (at < out.length) out[at++] = n & 0xff;
  }
  return out;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
