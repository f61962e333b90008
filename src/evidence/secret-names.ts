/**
 * Field-aware rules (contract, "Secret screening, precisely (version 1.1)"). A member NAMED like
 * a secret (`password`, `clientSecret`, `api_key`, `credential.value`, in any case, with any
 * separator, at any depth) holds only a prefixed digest form, a reference (`vault:…`, `arn:…`,
 * `secretsmanager:…`, a URL without credentials, a key id), a boolean, a number or null: never
 * free text, since a password is free text too. The fingerprint fields hold only digest forms.
 */
import { isDigestForm, isPrefixedDigest } from './digest-forms.js';
import { randomWord } from './secret-entropy.js';

/**
 * Last words (or last two joined) that make a name a secret's: `clientSecret`, `db_password`,
 * `x-api-key`, `secretAccessKey`, `keyMaterial` (generic words such as `material` set aside).
 * Only the last word counts: `passwordLastChanged` and `tokenEndpoint` are about a secret.
 */
const SECRET_LAST_WORDS = new Set([
  'secret', 'secrets', 'password', 'passwords', 'passwd', 'pwd', 'pass', 'passphrase', 'token', 'tokens',
  'credential', 'credentials', 'creds', 'key', 'keys', 'apikey', 'privkey', 'privatekey', 'pin', 'otp',
  'authorization', 'bearer', 'cookie', 'sessionid',
]);

/** A last word that makes the field ABOUT a secret, not the secret: `tokenId`, `secretRef`, `passwordPolicy`. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'id', 'ids', 'ref', 'refs', 'reference', 'name', 'names', 'type', 'kind', 'label', 'fingerprint',
  'fingerprints', 'hash', 'digest', 'arn', 'url', 'uri', 'path', 'location', 'store', 'manager',
  'provider', 'endpoint', 'issuer', 'audience', 'scope', 'scopes', 'version', 'policy', 'format',
  'status', 'count', 'length', 'ttl', 'at', 'expiry', 'expires', 'expiration', 'due', 'owner',
  'rotated', 'rotation', 'algorithm', 'alg', 'size', 'bits', 'usage', 'vault', 'source', 'method',
]);

/** Keys that open nothing: `idempotencyKey`, `partitionKey`, `objectKey` (an S3 path), `cacheKey`. */
const NON_SECRET_KEYS = new Set([
  'idempotency', 'partition', 'sort', 'primary', 'foreign', 'cache', 'object', 'routing', 'lookup', 'dedup',
  'dedupe', 'deduplication', 'correlation', 'composite', 'shard', 'bucket', 'index', 'row', 'hash', 'sequence', 'public',
]);

/** Words that make key material public: `publicKey`, `pubkey`, `certificate`. */
const PUBLIC_WORDS = new Set(['public', 'pub', 'pubkey', 'certificate', 'cert', 'certs', 'csr', 'x5c', 'spki', 'signature', 'jwks', 'jwk']);

/** Names that say only "the content of its parent" (`credential.value`, `key.material`): read with the parent. */
const GENERIC_NAMES = new Set(['value', 'data', 'raw', 'material', 'content', 'plaintext', 'cleartext', 'text', 'string', 'pem', 'der', 'b64', 'base64', 'encoded', 'plain', 'clear']);

/** The fingerprint fields of version 1 records, wherever they stand: digest forms only. */
export const FINGERPRINT_FIELDS = new Set(['newFingerprint', 'previousFingerprint', 'fingerprint']);

/** The words of a field name: `clientSecret`, `client_secret`, `APIKey` -> [client, secret], [api, key]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

export type NameKind = 'secret' | 'public' | 'plain';

/** How a value under a name is screened. */
export interface NameRules {
  kind: NameKind;
  /** A fingerprint field: digest forms only. */
  fingerprint: boolean;
  /** Names a credential (`credentialId`, `accessKeyId`): may hold an access key id. */
  namesCredential: boolean;
}

/**
 * The rules for a value under `name` (whose parent member is `parentName`, if any). Array items
 * take the name of their array. Remembered: the same few names come in every record, and this
 * runs for every string of every record.
 */
export function nameRules(name: string, parentName?: string): NameRules {
  let byName = NAME_RULES.get(parentName);
  if (byName === undefined) {
    // Names in details are the sender's, hence the bound.
    if (NAME_RULES.size >= MAX_REMEMBERED_PARENTS) NAME_RULES.clear();
    byName = new Map();
    NAME_RULES.set(parentName, byName);
  }
  let rules = byName.get(name);
  if (rules === undefined) {
    if (byName.size >= MAX_REMEMBERED_NAMES) byName.clear();
    const words = nameWords(name);
    rules = {
      kind: judgeName(name, parentName),
      fingerprint: FINGERPRINT_FIELDS.has(name),
      namesCredential: name === 'credentialId' || (words.at(-1) === 'id' && (words.at(-2) === 'key' || words.at(-2) === 'credential')),
    };
    byName.set(name, rules);
  }
  return rules;
}

/** How a value under `name` is screened: see nameRules. */
export function nameKind(name: string, parentName?: string): NameKind {
  return nameRules(name, parentName).kind;
}

/** Whether a value under `name` is held to the secret-field rule. */
export function isSecretName(name: string, parentName?: string): boolean {
  return nameKind(name, parentName) === 'secret';
}

const NAME_RULES = new Map<string | undefined, Map<string, NameRules>>();
const MAX_REMEMBERED_PARENTS = 256;
const MAX_REMEMBERED_NAMES = 1024;

function judgeName(name: string, parentName: string | undefined): NameKind {
  const words = nameWords(name);
  while (words.length > 0 && GENERIC_NAMES.has(words.at(-1)!)) words.pop();
  // `credential.value`, `key.material`: a name that only says "content" is read as its parent's.
  if (words.length === 0) return parentName === undefined ? 'plain' : nameKind(parentName);
  if (words.some((w) => PUBLIC_WORDS.has(w))) return 'public';
  const last = words.at(-1)!;
  if (DESCRIPTIVE_LAST_WORDS.has(last)) return 'plain';
  if ((last === 'key' || last === 'keys') && words.length > 1 && NON_SECRET_KEYS.has(words.at(-2)!)) return 'plain';
  return SECRET_LAST_WORDS.has(last) || SECRET_LAST_WORDS.has(words.slice(-2).join('')) ? 'secret' : 'plain';
}

// What a secret-named member may hold besides a prefixed digest form.
const REFERENCE_SCHEMES = /^(?:vault|arn|secretsmanager|ssm|kms|azurekv|keyvault|gcpsm|gcp-secret|op|sops|akv|k8s|kubernetes|env|file|pkcs11):[^\s]+$/i;
const URL = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s]+$/;
const KEY_ID = /^(?:[A-Za-z0-9]+[-_])*(?:kid|keyid|key|akid|cmk|id)[-_:][A-Za-z0-9._-]{1,64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCESS_KEY_ID = /^(?:AKIA|ASIA)[A-Z0-9]{16}$/;
/** A store path such as `kv/data/payments/prod`: two or more segments, each a word people wrote. */
const WRITTEN_PART = /^(?:[a-z0-9]{0,24}|[A-Z0-9]{0,24}|[A-Z][a-z]{1,23}[0-9]{0,4})$/;
const STORE_PATH = /^\/?[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,63})+\/?$/;

function isReference(value: string): boolean {
  if (REFERENCE_SCHEMES.test(value) || URL.test(value) || UUID.test(value) || ACCESS_KEY_ID.test(value)) return true;
  // Base64 can look like a path (`a/B+c…` without `+`): every part must read as a word people wrote.
  return (KEY_ID.test(value) || STORE_PATH.test(value)) && value.split(/[/:._-]+/).every((part) => WRITTEN_PART.test(part));
}

/**
 * What a value in a secret-named field is, when it is something such a field may not hold; undefined
 * when it is a prefixed digest form or a reference.
 */
export function secretFieldValueProblem(value: string): string | undefined {
  if (value === '' || isPrefixedDigest(value) || isReference(value)) return undefined;
  const compact = value.replace(/[\s:-]+/g, '');
  if (/^[0-9a-fA-F]{32,}$/.test(compact)) return 'a hex-encoded secret';
  if (/^[A-Za-z0-9+/]{40}$/.test(value)) return 'an AWS secret access key';
  for (const word of value.split(/\s+/)) if (randomWord(word) !== undefined) return 'a high-entropy secret';
  return 'a password or other free text (a field named like a secret holds only a digest form such as sha256:<hex>, a reference such as vault:… or arn:…, or a key id)';
}

/** What a value in a fingerprint field is when it is no digest form; undefined when it is one. */
export function fingerprintValueProblem(value: string): string | undefined {
  return isDigestForm(value)
    ? undefined
    : 'no digest form (expected <algorithm>:<hex>, <ALGORITHM>:<unpadded base64>, colon-separated hex bytes, or bare hex of 32, 40 or 64 digits)';
}
