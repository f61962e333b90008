/**
 * Corpora for the secret screen (contract, "Secret screening, precisely (version 1.1)"): realistic
 * values that real evidence carries and must never be refused, and secrets in about 35 formats
 * that must never be accepted in any field. Fake secrets are assembled at run time from a seeded
 * generator, so this file holds nothing a secret scanner would flag and nothing that ever was a
 * credential; public keys are generated fresh.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';

let seed = 0x5c4ee7;
/** A reproducible pseudo-random string (ANSI C LCG: not secure, and need not be). */
export function random(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out += alphabet[(seed >>> 8) % alphabet.length];
  }
  return out;
}
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const BASE64 = `${ALNUM}+/`;
export const BASE64URL = `${ALNUM}-_`;
export const HEX = '0123456789abcdef';
const j = (...parts: string[]) => parts.join('');
const sha = (alg: string, text: string) => createHash(alg).update(text).digest();
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
type Exportable = { export(o: object): string | Buffer };
const der = (key: Exportable, type: string) => (key.export({ type, format: 'der' }) as Buffer).toString('base64');
const pem = (key: Exportable, type: string) => key.export({ type, format: 'pem' }) as string;

/** Where a non-secret value is put: a record field or a details member. */
export interface FineValue {
  field: string;
  value: string;
}

const TEAMS = ['payments', 'ledger', 'identity', 'billing', 'hr-core', 'treasury', 'sap-fi', 'data-platform', 'ci', 'edge'];
const ENVS = ['prod', 'staging', 'dev', 'dr'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];
const SERVICES = ['iam', 'secretsmanager', 'kms', 's3', 'lambda', 'rds', 'sts', 'ec2'];

/** Several hundred realistic values that are not secrets, each with the field it would arrive in. */
export function fineCorpus(): FineValue[] {
  const out: FineValue[] = [];
  const add = (field: string, value: string) => out.push({ field, value });
  for (let i = 0; i < 30; i++) {
    const team = pick(TEAMS, i);
    const env = pick(ENVS, i);
    const region = pick(REGIONS, i);
    const account = String(100000000000 + i * 7919);
    // Workload and cloud identities.
    add('actor.id', `spiffe://corp.example/ns/${team}/sa/${team}-exporter-${env}`);
    add('subject.id', `arn:aws:iam::${account}:role/${team}-deployer-${env}`);
    add('details.resource', `arn:aws:${pick(SERVICES, i)}:${region}:${account}:secret:${team}/${env}/db-${random(6, ALNUM)}`);
    add('details.kmsKey', `arn:aws:kms:${region}:${account}:key/${crypto.randomUUID()}`);
    add('subject.id', `${team}-exporter@corp-${env}.iam.gserviceaccount.com`);
    add('details.azureResource', `/subscriptions/${crypto.randomUUID()}/resourceGroups/rg-${team}-${env}/providers/Microsoft.KeyVault/vaults/kv-${team}-${env}`);
    // Kubernetes names, pods with their replica-set and random suffixes.
    add('system', `${team}-api-${env}`);
    add('details.pod', `${team}-api-${random(10, 'bcdfghjklmnpqrstvwxz2456789')}-${random(5, 'bcdfghjklmnpqrstvwxz2456789')}`);
    add('details.namespace', `${team}-${env}`);
    add('subject.id', `system:serviceaccount:${team}-${env}:${team}-runner`);
    // Ids, tickets, sessions, UUIDs.
    add('ticket', `${pick(['CHG', 'INC', 'REQ', 'SEC', 'ITGC'], i)}-${20000 + i * 37}`);
    add('details.jira', `${pick(['PAY', 'LEDG', 'IAM', 'OPS'], i)}-${1000 + i}`);
    add('credentialId', `akid-${random(4, HEX)}`);
    add('credentialId', j('AKIA', random(16, UPPER_ALNUM)));
    add('credentialId', `${random(40, HEX)}`);
    add('credentialId', `serial:${random(32, HEX).replace(/(..)(?!$)/g, '$1:')}`);
    add('sessionId', crypto.randomUUID());
    add('changeId', `CHG${String(100000 + i * 13)}`);
    add('details.requestId', crypto.randomUUID());
    add('details.traceId', random(32, HEX));
    add('details.spanId', random(16, HEX));
    add('details.objectId', random(24, HEX));
    add('details.instance', `i-0${random(16, HEX)}`);
    add('details.securityGroup', `sg-0${random(16, HEX)}`);
    add('controlId', `ITGC-${pick(['AC', 'CM', 'OP'], i)}-${String(i).padStart(2, '0')}`);
    // Digests and fingerprints in every form the contract names.
    add('newFingerprint', `sha256:${sha('sha256', `k${i}`).toString('hex')}`);
    add('previousFingerprint', `SHA256:${sha('sha256', `p${i}`).toString('base64').replace(/=+$/, '')}`);
    add('fingerprint', `MD5:${sha('md5', `m${i}`).toString('hex').replace(/(..)(?!$)/g, '$1:')}`);
    add('fingerprint', sha('sha1', `s${i}`).toString('hex'));
    add('newFingerprint', `sha256:${random(4 + (i % 13), HEX)}`);
    add('details.keyFingerprint', `SHA256:${sha('sha256', `f${i}`).toString('base64').replace(/=+$/, '')}`);
    add('details.imageDigest', `sha256:${sha('sha256', `img${i}`).toString('hex')}`);
    add('details.image', `ghcr.io/corp/${team}-api@sha256:${sha('sha256', `i${i}`).toString('hex')}`);
    add('details.commit', sha('sha1', `c${i}`).toString('hex'));
    add('details.tokenHash', sha('sha256', `t${i}`).toString('hex'));
    add('details.passwordHash', `sha512:${sha('sha512', `h${i}`).toString('hex')}`);
    add('details.secretRef', `vault:kv/data/${team}/${env}/db`);
    add('details.password', `secretsmanager:${team}/${env}/db-password`);
    add('details.clientSecret', `arn:aws:secretsmanager:${region}:${account}:secret:${team}-client-${random(6, ALNUM)}`);
    add('details.apiKey', `https://vault.corp.example/v1/${team}/data/api`);
    add('details.token', `sha256:${sha('sha256', `tok${i}`).toString('hex')}`);
    add('details.signingKey', `kid-${2026 - (i % 3)}-${pick(['a', 'b', 'c'], i)}`);
    add('details.privateKey', `kms:projects/corp-${env}/locations/global/keyRings/${team}/cryptoKeys/signer`);
    add('details.password', `op://${team}/${env}-database/password`);
    // Public material.
    add('details.publicKey', der(generateKeyPairSync('ed25519').publicKey, 'spki'));
    add('details.publicKey', (generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as { x: string }).x);
    add('details.sshPublicKey', `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.from(random(32, HEX), 'hex')]).toString('base64')} ci@${team}`);
    // URLs and paths without credentials, times, names, prose.
    add('details.runUrl', `https://github.com/corp/${team}/actions/runs/${9000000000 + i * 101}`);
    add('details.dashboard', `https://grafana.corp.example/d/${random(9, LOWER_ALNUM)}/${team}-overview?orgId=1&from=now-24h`);
    add('recordingRef', `s3://corp-session-recordings/${team}/${env}/${crypto.randomUUID()}.cast`);
    add('details.path', `/var/run/secrets/kubernetes.io/serviceaccount/${team}`);
    add('entitlement', `CN=${team}-admins,OU=Groups,DC=corp,DC=example`);
    add('entitlement', `arn:aws:iam::${account}:policy/${team}-read-only`);
    add('details.email', `${team}.owner@corp.example`);
    add('details.version', `v${i % 5}.${i % 11}.${i}`);
    add('details.ip', `10.${i}.${(i * 7) % 255}.${(i * 13) % 255}`);
    add('details.userAgent', `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12${i % 10}.0.0.0 Safari/537.36`);
    add('reason', `Quarterly rotation of the ${team} ${env} database credential per ITGC-AC-07; new key fingerprint sha256:${sha('sha256', `r${i}`).toString('hex').slice(0, 16)}, see CHG-${20000 + i}.`);
    add('reason', `Offboarding: ${team}.contractor@corp.example left on 2026-09-${String(1 + (i % 28)).padStart(2, '0')}; access removed by the IAM pipeline (run ${crypto.randomUUID()}).`);
    add('details.note', `password: reset by the help desk after ticket INC-${4000 + i}`);
    add('details.passwordLastChanged', `2026-09-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`);
    add('details.tokenEndpoint', `https://login.corp.example/${crypto.randomUUID()}/oauth2/v2.0/token`);
    add('details.workflow', `${team}/.github/workflows/deploy-${env}.yml@refs/heads/main`);
    add('details.camelCase', `Export${pick(['Payments', 'Ledger', 'Identity'], i)}ReportJob2026Q${1 + (i % 4)}`);
  }
  return out;
}

/** A secret and the rule set that names its format (secretlint's rule id where the preset has one). */
export interface SecretSample {
  what: string;
  value: string;
  /** The secretlint rule of the recommended preset that recognises it, when one does. */
  secretlint?: string;
}

/** Secrets in about 35 formats. */
export function secretCorpus(): SecretSample[] {
  const jwtPart = (json: string) => Buffer.from(json).toString('base64url');
  return [
    { what: 'a PKCS #8 PEM private key', value: pem(ed25519.privateKey, 'pkcs8') },
    { what: 'an RSA PEM private key', value: pem(rsa.privateKey, 'pkcs1'), secretlint: 'privatekey' },
    { what: 'an EC PEM private key', value: pem(ec.privateKey, 'sec1') },
    { what: 'an OpenSSH private key', value: j('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE', random(120, BASE64), '\n-----END OPENSSH ', 'PRIVATE KEY-----'), secretlint: 'privatekey' },
    { what: 'a bare base64 PKCS #8 key', value: der(rsa.privateKey, 'pkcs8') },
    { what: 'an AWS access key id', value: j('AK', 'IA', random(16, UPPER_ALNUM)) },
    { what: 'an AWS secret access key (unprefixed, 40 characters)', value: j(random(20, ALNUM), '/', random(19, ALNUM)) },
    { what: 'an AWS secret access key in key=value text', value: j('aws_secret_access_key=', random(40, ALNUM)), secretlint: 'aws' },
    { what: 'a GitHub personal token', value: j('gh', 'p_', random(36, ALNUM)), secretlint: 'github' },
    { what: 'a GitHub fine-grained token', value: j('github', '_pat_', random(22, ALNUM), '_', random(59, ALNUM)), secretlint: 'github' },
    { what: 'a GitLab personal token', value: j('gl', 'pat-', random(20, BASE64URL)) },
    { what: 'a Slack bot token', value: j('xo', 'xb-', random(12, '0123456789'), '-', random(13, '0123456789'), '-', random(24, ALNUM)), secretlint: 'slack' },
    { what: 'a Slack webhook URL', value: j('https://hooks.', 'slack.com/services/T', random(10, UPPER_ALNUM), '/B', random(10, UPPER_ALNUM), '/', random(24, ALNUM)), secretlint: 'slack' },
    { what: 'a Stripe live secret key', value: j('sk', '_live_', random(24, ALNUM)) },
    { what: 'a Google API key', value: j('AI', 'za', random(35, `${ALNUM}_-`)) },
    { what: 'an OpenAI project key', value: j('sk-', 'proj-', random(74, BASE64URL), 'T3Blbk', 'FJ', random(74, BASE64URL)), secretlint: 'openai' },
    { what: 'an Anthropic key', value: j('sk-', 'ant-api03-', random(93, BASE64URL), 'AA'), secretlint: 'anthropic' },
    { what: 'an npm token', value: j('np', 'm_', random(36, ALNUM)), secretlint: 'npm' },
    { what: 'a JWT', value: j(jwtPart('{"alg":"HS256","typ":"JWT"}'), '.', jwtPart(`{"sub":"svc-${random(6, HEX)}","iat":1790000000}`), '.', random(43, BASE64URL)) },
    { what: 'a JWT whose header has spaces', value: j(jwtPart('{ "alg": "RS256", "typ": "JWT" }'), '.', jwtPart(`{ "sub": "svc-${random(6, HEX)}" }`), '.', random(86, BASE64URL)) },
    { what: 'a postgres URL with a password', value: j('postgres://ledger:', random(16, ALNUM), '@db.corp.example:5432/ledger'), secretlint: 'database-connection-string' },
    { what: 'an HTTPS URL with basic auth', value: j('https://deploy:', random(12, ALNUM), '@git.corp.example/repo.git'), secretlint: 'basicauth' },
    { what: 'an Azure storage connection string', value: j('DefaultEndpointsProtocol=https;AccountName=corpdata;Account', 'Key=', random(86, BASE64), '==;EndpointSuffix=core.windows.net') },
    { what: 'an evidence ledger API token', value: j('el', 't_writer_', random(43, BASE64URL)) },
    { what: 'a SendGrid API key', value: j('S', 'G.', random(22, BASE64URL), '.', random(43, BASE64URL)), secretlint: 'sendgrid' },
    { what: 'a Shopify access token', value: j('shp', 'at_', random(32, HEX)), secretlint: 'shopify' },
    { what: 'a Linear API key', value: j('lin', '_api_', random(40, ALNUM)), secretlint: 'linear' },
    { what: 'a HashiCorp Vault token', value: j('hv', 's.', random(90, BASE64URL)) },
    { what: 'a Databricks token', value: j('da', 'pi', random(32, HEX)) },
    { what: 'a Hugging Face token', value: j('h', 'f_', random(34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')) },
    { what: 'a Docker Hub token', value: j('dckr', '_pat_', random(27, BASE64URL)) },
    { what: 'a Google OAuth client secret', value: j('GOC', 'SPX-', random(28, BASE64URL)) },
    { what: 'a Discord webhook URL', value: j('https://discord.com/api/', 'webhooks/', random(18, '0123456789'), '/', random(68, BASE64URL)) },
    { what: 'a secret dressed as a fingerprint', value: j('sha256:', random(40, BASE64)) },
    { what: 'a random 32-character base64 secret', value: random(32, BASE64) },
    { what: 'a GitHub token split by a zero-width space', value: j('gh', '\u200b', 'p_', random(36, ALNUM)) },
  ];
}

/** Record fields a secret may be posted in, each a path and the record type that has it. */
export const RECORD_FIELDS: readonly { field: string; type: string }[] = [
  { field: 'controlId', type: 'change' },
  { field: 'system', type: 'change' },
  { field: 'actor.id', type: 'change' },
  { field: 'subject.id', type: 'change' },
  { field: 'ticket', type: 'change' },
  { field: 'changeId', type: 'change' },
  { field: 'environment', type: 'change' },
  { field: 'approvedBy.id', type: 'change' },
  { field: 'entitlement', type: 'approval' },
  { field: 'requestedBy.id', type: 'approval' },
  { field: 'reason', type: 'revocation' },
  { field: 'credentialId', type: 'rotation' },
  { field: 'newFingerprint', type: 'rotation' },
  { field: 'previousFingerprint', type: 'rotation' },
  { field: 'fingerprint', type: 'credential_issuance' },
  { field: 'sessionId', type: 'privileged_session' },
  { field: 'recordingRef', type: 'privileged_session' },
  { field: 'exceptionId', type: 'exception' },
  { field: 'campaignId', type: 'access_review' },
  { field: 'details.note', type: 'change' },
  { field: 'details.password', type: 'change' },
  { field: 'details.steps.0.output', type: 'change' },
  { field: 'details.commit', type: 'change' },
  { field: 'details.publicKey', type: 'change' },
];
