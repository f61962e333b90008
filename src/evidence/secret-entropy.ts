/**
 * High-entropy words (contract, "Secret screening, precisely (version 1.1)"): a value, or a
 * word within free text, that looks random and is no identifier form we can name is refused
 * wherever it stands, because an unprefixed key (the 40-character AWS secret access key, a
 * random API secret) carries no vendor mark for the pattern rule to find.
 *
 * "Random" is judged on the word's letters and digits: random base64 changes character class
 * (upper, lower, digit) every two characters or so (median run 1.8, 99th percentile 2.7 over
 * 20,000 samples), while names people write are made of words and numbers (`PaymentsExporter2026`:
 * runs of 4 and more). Pure hex is a digest or an id (commit SHAs, trace ids, certificate serials).
 */
import { isDigestForm, isPrefixedDigest } from './digest-forms.js';

/** Shortest word judged: real keys and tokens are longer, while short random ids are everywhere. */
export const MIN_RANDOM_WORD_LENGTH = 20;
/** A word of letters in one case and digits (no mixed case) is judged only from this length on. */
const MIN_TWO_CLASS_LENGTH = 32;
/** Average run of one character class below which a mixed-case word reads as random. */
const MAX_RANDOM_AVERAGE_RUN = 3;
/** Shannon entropy floor, bits per character: random base64 of 20 is 3.6 or more in 99% of samples. */
const MIN_RANDOM_ENTROPY_BITS = 3.4;
const MIN_TWO_CLASS_ENTROPY_BITS = 4;

/** Splits free text into words: whitespace, quotes, brackets, and the separators of `k=v;k=v` and query strings. */
export const WORD_SEPARATORS = /[\s"'`,;()<>[\]{}|&?=\\]+/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_WITH_SEPARATORS = /^[0-9a-fA-F]+(?:[-:.][0-9a-fA-F]+)*$/;
const SCHEME = /^(?:arn|urn|spiffe):|^[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\//;
const AWS_SECRET_FORM = /^[A-Za-z0-9+/]{40}$/;
/** A C2SP signed-note verifier key, `<name>+<hex8>+<base64(type || public key)>`: public by construction. */
const NOTE_VERIFIER_KEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43,}={0,2}$/;
const EMBEDDED_HEX = /[0-9a-f]{8,}(?:-[0-9a-f]{4,})*|[0-9A-F]{8,}(?:-[0-9A-F]{4,})*/g;
/**
 * Public key material as it is written down: a raw 32-byte key (Ed25519, X25519; 43 characters of
 * base64 or base64url once unpadded), DER that opens with a SEQUENCE (SPKI, a certificate: `MC`,
 * `MF`, `MI`; private-key DER is refused before this, by its structure) or the SSH wire format
 * (`AAAA`, a length prefix). Random base64 of other shapes stays a secret even under `publicKey`.
 */
const PUBLIC_KEY_SHAPE = /^(?:[A-Za-z0-9+/_-]{43}|M[CFI][A-Za-z0-9+/]{40,}|AAAA[A-Za-z0-9+/]{40,})$/;

/** Shannon entropy of `text` in bits per character (UTF-16 code unit). */
export function shannonEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** A form an identifier takes that we can name: UUID, digest form, ARN/URN/SPIFFE id, URL (credentials are the pattern rule's), hex. */
export function isIdentifierForm(word: string): boolean {
  return NOTE_VERIFIER_KEY.test(word) || UUID.test(word) || HEX_WITH_SEPARATORS.test(word) || isDigestForm(word) || isPrefixedDigest(word) || SCHEME.test(word);
}

/**
 * What random secret `word` looks like, or undefined. `publicMaterial`: the field holds public key
 * material (`publicKey`, `certificate`), whose base64 is random by nature and no secret.
 */
export function randomWord(word: string, publicMaterial = false): string | undefined {
  if (word.length < MIN_RANDOM_WORD_LENGTH) return undefined;
  const w = word.endsWith('=') ? word.replace(/=+$/, '') : word;
  // One pass first: most words are lower-case slugs, which no rule below can refuse.
  const classes = characterClasses(w);
  if (!(classes & UPPER && classes & LOWER) && !(classes & DIGIT && classes & (UPPER | LOWER))) return undefined;
  if (w.length < MIN_RANDOM_WORD_LENGTH || isIdentifierForm(w)) return undefined;
  if (publicMaterial && PUBLIC_KEY_SHAPE.test(w)) return undefined;
  // UUIDs and hex ids inside a path (`/subscriptions/<uuid>/…`) are identifiers, not randomness to
  // count; random base64 holds eight hex-alphabet characters in a row about once in 5,000 positions.
  const hexFree = w.replace(EMBEDDED_HEX, '');
  if (hexFree.length < MIN_RANDOM_WORD_LENGTH / 2) return undefined;
  return randomLetters(hexFree, hexFree === w ? classes : characterClasses(hexFree));
}

const UPPER = 1;
const LOWER = 2;
const DIGIT = 4;

function classOf(code: number): number {
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 48 && code <= 57) return DIGIT;
  return 0;
}

function characterClasses(w: string): number {
  let classes = 0;
  for (let i = 0; i < w.length; i++) classes |= classOf(w.charCodeAt(i));
  return classes;
}

/**
 * Letters and digits per run of one class: `Export|Payments|2026` is 18 / 3. A capital opens a
 * word (`Payments` is one run); anything else than a letter or digit ends a run.
 */
function averageRun(w: string): number {
  let runs = 0;
  let chars = 0;
  let previous = 0;
  let runLength = 0;
  for (let i = 0; i < w.length; i++) {
    const c = classOf(w.charCodeAt(i));
    if (c === 0) {
      previous = 0;
      continue;
    }
    chars++;
    const continues = c === previous || (previous === UPPER && c === LOWER && runLength === 1);
    if (continues) runLength++;
    else {
      runs++;
      runLength = 1;
    }
    previous = c;
  }
  return runs === 0 ? Infinity : chars / runs;
}

function randomLetters(w: string, classes: number): string | undefined {
  if (classes & UPPER && classes & LOWER) {
    if (classes & DIGIT && AWS_SECRET_FORM.test(w)) return 'an AWS secret access key';
    if (averageRun(w) < MAX_RANDOM_AVERAGE_RUN && shannonEntropy(w) >= MIN_RANDOM_ENTROPY_BITS) return 'a high-entropy secret';
    return undefined;
  }
  if (classes & DIGIT && classes & (UPPER | LOWER)) {
    // One case and digits: ids and slugs (`vpc-0a1b2c3d`, `ticket-2026-0042`) unless a long unbroken random run.
    for (const segment of w.split(/[-_./:@~+]+/)) {
      if (segment.length >= MIN_TWO_CLASS_LENGTH && shannonEntropy(segment) >= MIN_TWO_CLASS_ENTROPY_BITS) return 'a high-entropy secret';
    }
  }
  return undefined;
}

/** The first random-looking word of free text, as randomWord names it. */
export function randomWordIn(text: string, publicMaterial = false): string | undefined {
  if (text.length < MIN_RANDOM_WORD_LENGTH) return undefined;
  for (const word of text.split(WORD_SEPARATORS)) {
    if (word.length < MIN_RANDOM_WORD_LENGTH) continue;
    const what = randomWord(word, publicMaterial);
    if (what !== undefined) return what;
  }
  return undefined;
}
