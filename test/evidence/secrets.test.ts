import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecrets, validateRecord } from '../../src/evidence/index.js';
import { validExamples, variant } from './examples.js';

// Fake secrets are assembled at run time from a seeded generator, so this file holds
// nothing a secret scanner would flag and nothing that ever was a credential.
let seed = 0x5eed;
function random(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // ANSI C LCG: reproducible, not secure
    out += alphabet[(seed >>> 8) % alphabet.length];
  }
  return out;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = `${ALNUM}+/`;
const HEX = '0123456789abcdef';
const join = (...parts: string[]) => parts.join('');

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const der = (key: { export(o: object): string | Buffer }, type: string) => b64(key.export({ type, format: 'der' }) as Buffer);
const pem = (key: { export(o: object): string | Buffer }, type: string) => key.export({ type, format: 'pem' }) as string;

/** The record's problems when `details` is `{[name]: value}`. */
const detailsProblems = (name: string, value: unknown) => {
  const result = validateRecord(variant(validExamples.change!, { details: { [name]: value } }));
  return result.ok ? [] : result.problems;
};
const detailsFields = (name: string, value: unknown) => detailsProblems(name, value).map((p) => p.field);

describe('secrets in well-known formats, in any field', () => {
  const cases: [string, string][] = [
    ['a PKCS #8 PEM private key', pem(ed25519.privateKey, 'pkcs8')],
    ['an RSA PEM private key', pem(rsa.privateKey, 'pkcs1')],
    ['an EC PEM private key', pem(ec.privateKey, 'sec1')],
    ['an encrypted PEM private key', join('-----BEGIN ENCRYPTED ', 'PRIVATE KEY-----\nMIIF', random(60, BASE64))],
    ['an OpenSSH private key', join('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\n', random(70, BASE64))],
    ['a PGP private key block', join('-----BEGIN PGP ', 'PRIVATE KEY BLOCK-----\n\nlQ', random(60, BASE64))],
    ['a bare base64 PKCS #8 key', der(ed25519.privateKey, 'pkcs8')],
    ['a bare base64 RSA key', der(rsa.privateKey, 'pkcs1')],
    ['a bare base64 EC key split over lines', der(ec.privateKey, 'sec1').replace(/(.{40})/g, '$1\n')],
    ['a bare OpenSSH key body', join('b3BlbnNzaC1rZXktdjE', 'AAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', random(40, BASE64))],
    ['an AWS access key id', join('AKIA', random(16, UPPER_ALNUM))],
    ['an AWS temporary access key id', join('ASIA', random(16, UPPER_ALNUM))],
    ['a GitHub personal token', join('gh', 'p_', random(36, ALNUM))],
    ['a GitHub OAuth token', join('gh', 'o_', random(36, ALNUM))],
    ['a GitHub app token', join('gh', 's_', random(36, ALNUM))],
    ['a GitHub fine-grained token', join('github', '_pat_', random(22, ALNUM), '_', random(59, ALNUM))],
    ['a Slack bot token', join('xo', 'xb-', random(12, '0123456789'), '-', random(24, ALNUM))],
    ['a Slack user token', join('xo', 'xp-', random(12, '0123456789'), '-', random(32, ALNUM))],
    ['a Stripe live secret key', join('sk', '_live_', random(24, ALNUM))],
    ['a Google API key', join('AI', 'za', random(35, `${ALNUM}_-`))],
    ['a JWT', join('ey', 'J', random(30, ALNUM), '.ey', 'J', random(40, ALNUM), '.', random(43, ALNUM))],
    ['a URL with a password', join('https://svc-export:', random(12, ALNUM), '@sftp.corp.example/drop')],
  ];

  it.each(cases)('rejects %s in a details field of any name, naming it', (_, secret) => {
    expect(detailsFields('note', secret)).toEqual(['details.note']);
  });

  it.each(cases)('rejects %s inside a longer text', (_, secret) => {
    expect(detailsFields('note', `pasted by mistake: ${secret} (sorry)`)).toEqual(['details.note']);
  });

  it('names top-level and nested fields', () => {
    const key = join('AKIA', random(16, UPPER_ALNUM));
    const result = validateRecord(variant(validExamples.revocation!, { entitlement: key, reason: `leaked ${join('gh', 'p_', random(36, ALNUM))}` }));
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toEqual(['entitlement', 'reason']);
    expect(detailsFields('steps', [{ ok: true }, { log: pem(ed25519.privateKey, 'pkcs8') }])).toEqual(['details.steps.1.log']);
  });

  it('says what it looks like and never repeats the value', () => {
    const token = join('gh', 'p_', random(36, ALNUM));
    const [problem] = detailsProblems('note', token);
    expect(problem!.message).toMatch(/^details\.note: looks like a GitHub token; /);
    expect(problem!.message).not.toContain(token.slice(4));
  });

  it('catches a secret used as a member name without echoing it', () => {
    const token = join('xo', 'xb-', random(12, '0123456789'), '-', random(24, ALNUM));
    const problems = findSecrets({ details: { tokens: { [token]: true } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('details.tokens');
    expect(JSON.stringify(problems)).not.toContain(token);
  });
});

describe('high-entropy values in fields named like secrets', () => {
  const value = () => random(32, BASE64);

  it.each([
    'password', 'passwd', 'db_password', 'secret', 'clientSecret', 'client_secret', 'webhookSecret', 'token',
    'accessToken', 'refresh_token', 'apiKey', 'api_key', 'x-api-key', 'APIKey', 'privateKey', 'private_key',
    'passphrase', 'Authorization', 'signingKey', 'keyMaterial', 'credentialValue',
  ])('rejects a random 32-character value in %s', (name) => {
    expect(detailsFields(name, value())).toEqual([`details.${name}`]);
  });

  it('reads a generic member with its parent: credential.value, key.material, secret.data', () => {
    expect(detailsFields('credential', { value: value() })).toEqual(['details.credential.value']);
    expect(detailsFields('key', { material: value() })).toEqual(['details.key.material']);
    expect(detailsFields('secret', { data: value() })).toEqual(['details.secret.data']);
    expect(detailsFields('result', { value: 'rotated' })).toEqual([]);
  });

  it('reads array items under the array name', () => {
    expect(detailsFields('tokens', [`sha256:${random(64, HEX)}`, value()])).toEqual(['details.tokens.1']);
  });

  it('finds the secret inside "Bearer <token>" or "key=<secret>"', () => {
    expect(detailsFields('authorization', `Bearer ${random(40, ALNUM)}`)).toEqual(['details.authorization']);
    expect(detailsFields('secret', `client_secret=${random(32, ALNUM)}`)).toEqual(['details.secret']);
  });

  it('calls a 40-character base64 value an AWS secret access key', () => {
    const [problem] = detailsProblems('aws_secret_access_key', random(40, BASE64));
    expect(problem!.message).toMatch(/looks like an AWS secret access key/);
  });

  it('rejects random hex of 32 or more characters and a long passphrase', () => {
    expect(detailsFields('hmacKey', random(64, HEX))).toEqual(['details.hmacKey']);
    expect(detailsFields('password', random(32, HEX))).toEqual(['details.password']);
    expect(detailsFields('passphrase', 'correcthorsebatterystaple')).toEqual(['details.passphrase']);
    // Random hex that happens to fall below the entropy floor (found by the property below).
    expect(detailsFields('clientSecret', 'f3eb3f7eeece47afeaf833ff7e4caf30')).toEqual(['details.clientSecret']);
  });

  it('rejects every random base64 of 20 to 64 characters and hex of 32 to 64 in a secret field (property)', () => {
    fc.assert(
      fc.property(
        // noBias: a secret comes from a CSPRNG, not from fast-check's small-value bias (all-zero
        // arrays encode to "AAAA…", which has no entropy and is rightly not called a secret).
        fc.noBias(
          fc.oneof(
            fc.uint8Array({ minLength: 15, maxLength: 48 }).map(b64),
            fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
          ),
        ),
        (secret) => findSecrets({ details: { clientSecret: secret } }).length === 1,
      ),
      { numRuns: 500 },
    );
  });
});

describe('realistic values that are not secrets', () => {
  it.each(Object.keys(validExamples))('passes the valid %s example', (type) => {
    expect(findSecrets(validExamples[type])).toEqual([]);
  });

  const fine: [string, unknown][] = [
    ['fingerprint', `sha256:${random(64, HEX)}`],
    ['tokenFingerprint', `SHA256:${random(43, BASE64)}`],
    ['secretHash', random(64, HEX)],
    ['tokenId', '550e8400-e29b-41d4-a716-446655440000'],
    ['api_key_id', 'akid-7f3c'],
    ['secretRef', 'vault://kv/payments/prod/db'],
    ['secretArn', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'],
    ['secretStore', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'],
    ['secretPath', 'kv/data/payments/prod/database-password'],
    ['tokenEndpoint', 'https://login.corp.example/oauth2/v2.0/token'],
    ['token', 'https://login.corp.example/oauth2/v2.0/token'],
    ['passwordPolicy', 'min14-complexity3-history24-maxage90'],
    ['passwordLastChanged', '2026-09-01T00:00:00Z'],
    ['clientSecretExpiresAt', '2027-03-01T00:00:00.000Z'],
    ['commit', random(40, HEX)],
    ['actor', 'spiffe://corp/ns/payments/sa/exporter'],
    ['ticket', 'CHG-20931'],
    ['publicKey', der(ed25519.publicKey, 'spki')],
    ['rsaPublicKey', der(rsa.publicKey, 'pkcs1')],
    ['sshPublicKey', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${random(43, BASE64)} ci@corp`],
    // An X.509 certificate opens SEQUENCE { SEQUENCE { [0] version ... } }, not an INTEGER.
    ['certificate', b64(new Uint8Array([0x30, 0x82, 0x03, 0x77, 0x30, 0x82, 0x02, 0x5f, 0xa0, 0x03, 0x02, 0x01, 0x02, ...Buffer.from(random(60, HEX), 'hex')]))],
    ['awsPrefixOnly', 'AKIA-rotation-runbook'],
    ['jwtHeaderOnly', 'eyJhbGciOiJFZERTQSJ9'],
    ['url', 'https://user@git.corp.example/repo.git'],
  ];

  it.each(fine)('accepts %s: %s', (name, value) => {
    expect(detailsFields(name, value)).toEqual([]);
  });

  it('accepts every hyphenated phrase of short words in a field not named like a secret, refuses it in one that is (property)', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 12 });
    fc.assert(
      // Words like `key` or `id` make a key id (`key-2026-a`), which a secret field may hold.
      fc.property(fc.array(word.filter((w) => !['key', 'kid', 'keyid', 'akid', 'cmk', 'id'].includes(w)), { minLength: 2, maxLength: 8 }), (words) =>
        findSecrets({ details: { note: words.join('-') } }).length === 0 && findSecrets({ details: { secret: words.join('-') } }).length === 1),
    );
  });

  // Contract version 1.1: a field named like a secret holds a digest form or a reference, never free text.
  it.each([
    ['secret', 'stored-in-hashicorp-vault'],
    ['password', '[REDACTED]'],
    ['password', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['password', 'Hunter2!Hunter2!'],
    ['token', 'rotated_by_vault_agent_v1.15'],
    ['secret', 'rotated by the vault agent after the quarterly review, see CHG-20931'],
    ['sessionKey', random(40, BASE64)],
  ])('refuses free text in a field named like a secret: %s = %s', (name, value) => {
    expect(detailsFields(name, value)).toEqual([`details.${name}`]);
  });

  it.each([
    ['a random 32-character id', random(32, ALNUM)],
    ['a Stripe publishable key (public, but indistinguishable from a secret by its look)', join('pk', '_live_', random(24, ALNUM))],
  ])('refuses %s in any field: high entropy and no identifier form', (_, value) => {
    expect(detailsFields('requestId', value)).toEqual(['details.requestId']);
  });
});

describe('adversarial inputs to the scan', () => {
  // A backtracking pattern once turned a 16 KiB run of letters into ~190 ms of work (quadratic).
  // How long the scan takes is measured by scripts/bench-secrets.ts (16 and 32 KiB side by side:
  // a linear scan doubles, a quadratic one quadruples); here only what it decides.
  const adversarial = {
    letters: 'x'.repeat(16_000),
    jwtHeads: 'eyJ'.repeat(5_300),
    pemHeads: '-----BEGIN '.repeat(1_450),
    urlHeads: 'a://b:'.repeat(2_600),
    awsHeads: 'AKIA'.repeat(4_000),
  };

  it.each(Object.entries(adversarial))('accepts 16 KiB of %s: a run of credential prefixes is no credential', (_, value) => {
    expect(validateRecord(variant(validExamples.change!, { details: { blob: value } })).ok).toBe(true);
  });

  // Contract 1.1: a member named like a secret holds only a digest form or a reference, never free text.
  // (urlHeads reads as a URL without credentials, which the contract lets such a member hold as a reference.)
  it.each(Object.entries(adversarial).filter(([name]) => name !== 'urlHeads'))('refuses 16 KiB of %s in a member named like a secret', (_, value) => {
    expect(validateRecord(variant(validExamples.change!, { details: { password: value } })).ok).toBe(false);
  });
});
