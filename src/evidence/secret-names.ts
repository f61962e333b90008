/**
 * The second secret rule: a long, random-looking value in a field NAMED like a secret
 * (`password`, `clientSecret`, `api_key`, `credential.value`, ...). The name is the strong
 * signal; the value test only spares the harmless things such fields hold in practice:
 * short values, prose, references (URLs, ARNs, paths of words), times and fingerprints.
 */

/** Substrings of a field name (lower-cased, separators removed) that mark it as holding a secret. */
const SECRET_NAME_STEMS = [
  'secret', 'password', 'passwd', 'passphrase', 'token', 'apikey', 'privatekey', 'privkey',
  'credentialvalue', 'keymaterial', 'signingkey', 'encryptionkey', 'hmackey', 'sharedkey', 'authorization',
];

/** A last word that makes the field ABOUT a secret, not the secret: `tokenId`, `secretRef`, `passwordPolicy`. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'id', 'ids', 'ref', 'refs', 'reference', 'name', 'names', 'type', 'kind', 'label', 'fingerprint',
  'fingerprints', 'hash', 'digest', 'arn', 'url', 'uri', 'path', 'location', 'store', 'manager',
  'provider', 'endpoint', 'issuer', 'audience', 'scope', 'scopes', 'version', 'policy', 'format',
  'status', 'count', 'length', 'ttl', 'at', 'expiry', 'expires', 'expiration', 'due', 'owner',
]);

/** Names that say only "the content of its parent" (`credential.value`, `key.material`): read with the parent. */
const GENERIC_NAMES = new Set(['value', 'data', 'raw', 'material', 'content', 'plaintext', 'cleartext', 'text', 'pem', 'der', 'b64', 'base64']);

/** Shortest value the entropy rule looks at: real keys and tokens are longer, while short random ids are common. */
export const MIN_SECRET_LENGTH = 20;

/**
 * Shannon entropy floor in bits per character. Random hex of 20 characters averages about
 * 3.4 and 32 or more about 3.6; random base64 of 20 about 4.0. Repetitive text
 * (`hunter2hunter2hunter2`, about 2.8) falls below it; word-like text is spared apart.
 */
export const MIN_SECRET_ENTROPY_BITS = 3.0;

/** The words of a field name: `clientSecret`, `client_secret`, `APIKey` -> [client, secret], [api, key]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/**
 * Whether a value under `name` (whose parent member is `parentName`, if any) is held to
 * the secret rule. Array items take the name of their array.
 */
export function isSecretName(name: string, parentName?: string): boolean {
  // The same few names come in every record; names in details are the sender's, hence the bound.
  const key = JSON.stringify([name, parentName ?? null]);
  let verdict = NAME_VERDICTS.get(key);
  if (verdict === undefined) {
    if (NAME_VERDICTS.size >= MAX_REMEMBERED_NAMES) NAME_VERDICTS.clear();
    verdict = judgeName(name, parentName);
    NAME_VERDICTS.set(key, verdict);
  }
  return verdict;
}

const NAME_VERDICTS = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 4096;

function judgeName(name: string, parentName: string | undefined): boolean {
  let words = nameWords(name);
  if (words.length === 1 && GENERIC_NAMES.has(words[0]!) && parentName !== undefined) {
    words = [...nameWords(parentName), ...words];
  }
  const last = words.at(-1);
  if (last === undefined || DESCRIPTIVE_LAST_WORDS.has(last)) return false;
  const joined = words.join('');
  return SECRET_NAME_STEMS.some((stem) => joined.includes(stem));
}

/** Shannon entropy of `text` in bits per character (code point). */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  let total = 0;
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    total++;
  }
  let bits = 0;
  for (const n of counts.values()) bits -= (n / total) * Math.log2(n / total);
  return bits;
}

// Values that are references to or facts about a secret, never the secret itself.
const FINGERPRINT = /^(?:sha-?(?:1|224|256|384|512)|sha3-(?:224|256|384|512)|md5|blake2[bs]?|blake3)[:=][A-Za-z0-9+/=_:-]+$/i;
const ARN = /^arn:/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//; // a URL with a password is caught by the pattern rule first
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
/** A piece of a slug or path that a person wrote: a word, a number, or a short fragment like `v1`. */
const WORD_LIKE = /^(?:[a-z]{1,15}|[A-Z]{1,15}|[A-Z][a-z]{1,14}|\d{1,15}|.{1,3})$/;

function isReferenceShaped(candidate: string): boolean {
  if (FINGERPRINT.test(candidate) || ARN.test(candidate) || URI.test(candidate) || TIMESTAMP.test(candidate)) return true;
  // `kv/data/payments/prod`, `stored-in-hashicorp-vault`, `rotated_by_agent_v1.15`.
  return candidate.split(/[-_./:]+/).every((part) => WORD_LIKE.test(part));
}

/**
 * What secret a value in a secret-named field looks like, or undefined. The value is
 * split at whitespace, quotes and `=`/`,`/`;` so `Bearer <token>` or `key=<secret>` is
 * caught while a sentence (whose words are short) is not.
 */
export function secretInSecretField(value: string): string | undefined {
  for (const candidate of value.split(/[\s"'`=,;]+/)) {
    if (candidate.length < MIN_SECRET_LENGTH || isReferenceShaped(candidate)) continue;
    // AWS secret access keys are 40 characters of base64.
    if (/^[A-Za-z0-9+/]{40}$/.test(candidate) && /[a-z]/.test(candidate) && /[A-Z]/.test(candidate)) {
      return 'an AWS secret access key';
    }
    // Random hex keys (HMAC keys, API secrets) sit near the entropy floor: a 32-character one
    // falls below it now and then, so 128 bits or more of hex in a secret-named field is enough.
    if (/^[0-9a-fA-F]{32,}$/.test(candidate)) return 'a hex-encoded secret';
    if (shannonEntropy(candidate) >= MIN_SECRET_ENTROPY_BITS) return 'a high-entropy secret';
  }
  return undefined;
}
