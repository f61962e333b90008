/**
 * Well-known secret formats, matched in EVERY string the ledger stores whatever its field is
 * called. Each pattern keys on a vendor prefix or a structure that ordinary identifiers,
 * fingerprints, ARNs and URLs do not have, so false positives stay rare.
 *
 * The formats are compiled from secretlint's recommended preset (@secretlint/secretlint-rule-
 * preset-recommend 11.7.1, kept as the test oracle: test/evidence/secret-oracle.test.ts) and
 * from gitleaks' rule names for the providers the preset lacks. Compiled rather than run: the
 * preset is a whole-file linter (async, one context per file), far too slow per record
 * (scripts/bench-screening.ts measures both).
 */
import { fromBase64 } from '../crypto/bytes.js';

export const AWS_ACCESS_KEY_ID = 'an AWS access key id';

interface SecretPattern {
  /** Completes "looks like ...". */
  what: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // RFC 7468 labels: PRIVATE KEY, RSA/EC/DSA/OPENSSH/ENCRYPTED PRIVATE KEY, and PGP's "PRIVATE KEY BLOCK" (secretlint privatekey).
  { what: 'a PEM private key', pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/ },
  // The ledger's own API tokens (src/http/tokens.ts): `elt_<role>_` and 43 base64url characters.
  { what: 'an evidence ledger API token', pattern: /elt_(?:writer|auditor|admin)_[A-Za-z0-9_-]{20,}/ },
  // AWS access key ids (secretlint aws): long-term AKIA, STS ASIA and the other unique-id prefixes.
  { what: AWS_ACCESS_KEY_ID, pattern: /(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  // GitHub (secretlint github): ghp_/gho_/ghu_/ghs_/ghr_ and fine-grained github_pat_.
  { what: 'a GitHub token', pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9_]{30,}|github_pat_[A-Za-z0-9_]{22,})/ },
  // GitLab (gitleaks gitlab-*): personal, deploy, runner, trigger, feed, SCIM, OAuth, CI build tokens.
  { what: 'a GitLab token', pattern: /(?<![A-Za-z0-9])(?:glpat|gldt|glrt|glptt|glft|glsoat|gloas|glcbt|glimt|glagent|glwt)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,}/ },
  // Slack (secretlint slack): bot, user, app, legacy and refresh tokens; incoming webhooks and workflow triggers.
  { what: 'a Slack token', pattern: /(?<![A-Za-z0-9])(?:xox[abeposr]|xapp)-[A-Za-z0-9-]{10,}/ },
  { what: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]{6,}\/[A-Za-z0-9]{6,}\/[A-Za-z0-9]{6,}/ },
  // Discord and Microsoft Teams webhooks carry their secret in the path (gitleaks).
  { what: 'a webhook URL with its secret', pattern: /discord(?:app)?\.com\/api\/webhooks\/\d{6,}\/[A-Za-z0-9_-]{30,}|webhook\.office\.com\/webhookb2\/[A-Za-z0-9@-]{30,}\/IncomingWebhook\/[A-Za-z0-9]{20,}/ },
  // Stripe secret (sk_) and restricted (rk_) keys, live and test; publishable pk_ keys are public.
  { what: 'a Stripe secret key', pattern: /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/ },
  { what: 'a Google API key', pattern: /(?<![A-Za-z0-9])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/ },
  // Google OAuth client secrets and access tokens (gitleaks gcp-*).
  { what: 'a Google OAuth secret', pattern: /(?<![A-Za-z0-9])(?:GOCSPX-[A-Za-z0-9_-]{20,}|ya29\.[A-Za-z0-9_-]{30,})/ },
  // OpenAI (secretlint openai): project, service-account and admin keys, and the legacy T3BlbkFJ form.
  { what: 'an OpenAI API key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|(?<![A-Za-z0-9])sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}/ },
  // Anthropic (secretlint anthropic): sk-ant-api03-…, sk-ant-admin01-…, sk-ant-oat01-….
  { what: 'an Anthropic API key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{20,}/ },
  // npm (secretlint npm): npm_ and 36 characters; an .npmrc `_authToken=` line.
  { what: 'an npm token', pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])|_authToken\s*=\s*[^\s$]/ },
  { what: 'a PyPI token', pattern: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{30,}/ },
  { what: 'a Docker Hub token', pattern: /(?<![A-Za-z0-9])dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/ },
  { what: 'a Hugging Face token', pattern: /(?<![A-Za-z0-9])hf_[A-Za-z]{34}(?![A-Za-z0-9])/ },
  // SendGrid, Shopify, Linear (secretlint), Twilio, Mailchimp, Postman, Atlassian (gitleaks).
  { what: 'a SendGrid API key', pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/ },
  { what: 'a Shopify token', pattern: /(?<![A-Za-z0-9])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32,64}/ },
  { what: 'a Linear API key', pattern: /(?<![A-Za-z0-9])lin_(?:api|oauth)_[A-Za-z0-9]{32,128}/ },
  { what: 'a Twilio API key', pattern: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/ },
  { what: 'a Postman API key', pattern: /(?<![A-Za-z0-9])PMAK-[A-Za-z0-9]{24}-[A-Za-z0-9]{34}/ },
  { what: 'an Atlassian API token', pattern: /(?<![A-Za-z0-9])ATATT3[A-Za-z0-9_=-]{100,}/ },
  // HashiCorp Vault service, batch and recovery tokens; Terraform Cloud; Doppler; Pulumi; Grafana; Tailscale; Sentry; DigitalOcean; Databricks; age.
  { what: 'a HashiCorp Vault token', pattern: /(?<![A-Za-z0-9])hv[sbr]\.[A-Za-z0-9_-]{24,}/ },
  { what: 'a Terraform Cloud token', pattern: /[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}/ },
  { what: 'a Doppler token', pattern: /(?<![A-Za-z0-9])dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}/ },
  { what: 'a Pulumi token', pattern: /(?<![A-Za-z0-9])pul-[a-f0-9]{40}(?![A-Za-z0-9])/ },
  { what: 'a Grafana token', pattern: /(?<![A-Za-z0-9])(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})/ },
  { what: 'a Tailscale key', pattern: /(?<![A-Za-z0-9])tskey-[a-z]+-[A-Za-z0-9]{10,}-[A-Za-z0-9]{20,}/ },
  { what: 'a Sentry token', pattern: /(?<![A-Za-z0-9])sntr[ysu]_[A-Za-z0-9+/=_-]{40,}/ },
  { what: 'a DigitalOcean token', pattern: /(?<![A-Za-z0-9])do[por]_v1_[a-f0-9]{64}/ },
  { what: 'a Databricks token', pattern: /(?<![A-Za-z0-9])dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])/ },
  { what: 'an age secret key', pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/ },
  // 1Password service-account tokens (secretlint 1password): ops_ and base64 JSON.
  { what: 'a 1Password token', pattern: /(?<![A-Za-z0-9])ops_ey[A-Za-z0-9+/=]{100,}/ },
  // Azure: storage and Service Bus connection strings, SAS signatures, and Entra client secrets (gitleaks azure-ad-client-secret).
  { what: 'an Azure connection string key', pattern: /(?:Account[Kk]ey|SharedAccess[Kk]ey|SharedSecretValue|ACCOUNTKEY|accountkey)\s*=\s*[A-Za-z0-9+/]{20,}/ },
  { what: 'an Azure client secret', pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/ },
  // A Telegram bot token: the bot's numeric id, a colon and 35 characters.
  { what: 'a Telegram bot token', pattern: /(?<![A-Za-z0-9])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/ },
  // RFC 7519 JWT (and JWE): each part is base64url of JSON, so it opens `ey` (`{"`, `{ "`) or `ew` (`{\n`).
  { what: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])e[wy][A-Za-z0-9_-]{8,}\.e[wy][A-Za-z0-9_-]{8,}\./ },
  // RFC 3986 §3.2.1: a password in the userinfo of a URL (secretlint basicauth, database-connection-string).
  // The scheme starts at a boundary and is bounded, so a long run of letters costs linear time, not quadratic.
  { what: 'a URL with an embedded password', pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^/\s:@]+:[^/\s@]+@/ },
];

/**
 * Every pattern as one alternation, so one scan clears the ordinary string (nearly all of them)
 * instead of eight. Only sound while no pattern has flags or numbered backreferences.
 */
const ANY_SECRET_PATTERN = (() => {
  const unfit = SECRET_PATTERNS.find(({ pattern }) => pattern.flags !== '' || /\\\d/.test(pattern.source));
  // A flag would silently make the alternation always match (and every string pay for every pattern).
  if (unfit) throw new Error(`secret pattern for ${unfit.what} has flags or a backreference; it cannot join the alternation`);
  return new RegExp(SECRET_PATTERNS.map(({ pattern }) => `(?:${pattern.source})`).join('|'));
})();

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


/**
 * What well-known secret `text` looks like, or undefined. `allowAccessKeyId`: an access key id
 * is the public half of an AWS key pair (CloudTrail logs it in every event), so the field
 * that identifies a credential may name it.
 */
export function knownSecretFormat(text: string, allowAccessKeyId = false): string | undefined {
  if (ANY_SECRET_PATTERN.test(text)) {
    for (const { what, pattern } of SECRET_PATTERNS) if (pattern.test(text) && !(allowAccessKeyId && what === AWS_ACCESS_KEY_ID)) return what;
  }
  if (looksLikePrivateKeyBlob(text)) return 'a base64 private key';
  return undefined;
}
