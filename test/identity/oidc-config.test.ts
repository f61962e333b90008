/** LEDGER_OIDC is read and checked at start-up (src/config.ts): one clear message per bad value. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { fillClaimsTemplate, parseClaimsTemplate } from '../../src/identity/claims-template.js';
import { sourceProblem } from '../../src/evidence/source-screen.js';
import { tempDir } from '../support/tmp.js';
import { testKey, writeJwks } from '../support/oidc.js';

const tmp = tempDir();
const good = { issuer: 'https://token.actions.githubusercontent.com', audience: 'ledger', jwks: 'keys.json', source: 'github:{repository}@{ref}', role: 'writer' };

function problems(config: unknown): string[] {
  const file = path.join(tmp.dir, 'oidc.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  try {
    loadConfig({ LEDGER_OIDC: file });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.problems.every((p) => p.variable === 'LEDGER_OIDC')).toBe(true);
    return e.problems.map((p) => p.message.replace(`${file} `, ''));
  }
  return [];
}

describe('LEDGER_OIDC', () => {
  beforeAll(async () => {
    writeJwks(tmp.dir, 'keys.json', await testKey('k1', 'ES256'));
    writeFileSync(path.join(tmp.dir, 'private.json'), JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AA', d: 'BB' }] }));
    writeFileSync(path.join(tmp.dir, 'hmac.json'), JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
  });
  afterAll(() => tmp.cleanup());

  it('loads a good file: defaults filled, the key file read relative to it', () => {
    const file = path.join(tmp.dir, 'ok.json');
    writeFileSync(file, JSON.stringify([good]));
    const [issuer] = loadConfig({ LEDGER_OIDC: file }).oidcIssuers;
    expect(issuer).toMatchObject({ issuer: good.issuer, role: 'writer', maxLifetimeSeconds: 86_400, clockSkewSeconds: 60, keys: { kind: 'file', file: path.join(tmp.dir, 'keys.json') } });
  });

  it.each([
    ["not JSON", "{", /cannot read.* as JSON/],
    ['not an array', { issuer: 'x' }, /must hold a JSON array of issuers/],
    ['empty', [], /lists no issuers/],
    ['no audience', [{ ...good, audience: undefined }], /^\[0\]\.audience: /],
    ['an admin role', [{ ...good, role: 'admin' }], /^\[0\]\.role: must be "writer" or "auditor"/],
    ['an unknown member', [{ ...good, extra: 1 }], /^\[0\]: .*extra/],
    ['a template without placeholders', [{ ...good, source: 'ci' }], /^\[0\]\.source: the template has no \{claim\} placeholder/],
    ['an unbalanced template', [{ ...good, source: 'github:{repository' }], /^\[0\]\.source: the template has an unbalanced/],
    ['a bad placeholder', [{ ...good, source: 'x:{a b}' }], /^\[0\]\.source: the template placeholder \{a b\}/],
    ['a missing key file', [{ ...good, jwks: 'nope.json' }], /^\[0\]\.jwks: cannot read JWK Set file/],
    ['a private key in the key file', [{ ...good, jwks: 'private.json' }], /^\[0\]\.jwks: .*private key material/],
    ['a symmetric key in the key file', [{ ...good, jwks: 'hmac.json' }], /^\[0\]\.jwks: .*symmetric key/],
    ['a plain http key URL', [{ ...good, jwks: 'http://keys.example.com/jwks' }], /^\[0\]\.jwks: must be an https URL/],
    ['a duplicate issuer', [good, good], /^\[1\]\.issuer: .* is listed twice/],
    ['a negative skew', [{ ...good, clockSkewSeconds: -1 }], /^\[0\]\.clockSkewSeconds: /],
  ])('refuses %s with a message that says where', (_name, config, message) => {
    const found = problems(config);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every bad issuer at once', () => {
    expect(problems([{ ...good, audience: '' }, good, { ...good, issuer: 'https://b', jwks: 'nope.json' }])).toHaveLength(2);
  });
});

describe('the source template', () => {
  it('fills nested claims, taking the longest member name that matches (kubernetes.io)', () => {
    const t = parseClaimsTemplate('k8s:{kubernetes.io.namespace}/{kubernetes.io.serviceaccount.name}#{n}');
    expect(fillClaimsTemplate(t, { 'kubernetes.io': { namespace: 'pay', serviceaccount: { name: 'exp' } }, n: 7 })).toEqual({ ok: true, source: 'k8s:pay/exp#7' });
    expect(fillClaimsTemplate(t, { 'kubernetes.io': { namespace: 'pay' }, n: 7 })).toEqual({ ok: false, missing: 'kubernetes.io.serviceaccount.name' });
    // Only strings and integers: an object, a boolean, a fraction or an empty string fills nothing.
    for (const n of [{}, true, 1.5, '']) expect(fillClaimsTemplate(parseClaimsTemplate('{n}'), { n }).ok).toBe(false);
  });
});

describe('the source screen', () => {
  it.each([
    ['', /empty/],
    ['x'.repeat(257), /longer than 256/],
    ['a\u0000b', /control/],
    ['a\u202Eb', /bidirectional/],
    ['a\u200Db', /zero-width/],
    ['a\uFEFFb', /zero-width/],
    ['\uD800', /surrogate/],
    ['ledger:anything', /reserved/],
    ['ghp_' + 'a'.repeat(36), /secret/],
  ])('refuses %j', (source, message) => {
    expect(sourceProblem(source)).toMatch(message);
  });

  it.each(['github:octo-org/octo-repo@refs/heads/main', 'spiffe://example.org/ns/a/sa/b', 'k8s:payments/evidence-exporter', 'azure:72f988bf-86f1-41af-91ab-2d7cd011db47/0b7a4c1f-9f1e-4a51-8b0a-6f6b1e2f3d4c', 'Zürich-ci'])('accepts %j', (source) => {
    expect(sourceProblem(source)).toBeUndefined();
  });
});
