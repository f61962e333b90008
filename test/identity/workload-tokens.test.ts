/**
 * Workload identity tokens (contract, "Workload identity"): JWTs from the issuers LEDGER_OIDC
 * lists, verified with keys generated here, on the real claim shapes of each kind of issuer.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp, createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { loadTrustedIssuers, type TrustedIssuer } from '../../src/identity/oidc-config.js';
import { createWorkloadVerifier } from '../../src/identity/workload-verifier.js';
import { HttpProblem } from '../../src/http/problem.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import {
  azureClaims,
  gcpClaims,
  githubClaims,
  gitlabClaims,
  kubernetesClaims,
  signJwt,
  spiffeClaims,
  testKey,
  writeJwks,
  type TestKey,
} from '../support/oidc.js';

const NOW = Date.parse('2026-09-14T02:00:00.000Z');
const AUD = 'https://ledger.example.com';

interface Kind {
  name: string;
  alg: 'RS256' | 'ES256' | 'EdDSA';
  claims: (nowMs: number, aud: string) => Record<string, unknown>;
  issuer: string;
  template: string;
  expectedSource: string;
}

const KINDS: Kind[] = [
  { name: 'GitHub Actions', alg: 'RS256', claims: githubClaims, issuer: 'https://token.actions.githubusercontent.com', template: 'github:{repository}@{ref}', expectedSource: 'github:octo-org/octo-repo@refs/heads/main' },
  { name: 'GitLab CI', alg: 'RS256', claims: gitlabClaims, issuer: 'https://gitlab.example.com', template: 'gitlab:{project_path}@{ref}', expectedSource: 'gitlab:my-group/my-project@main' },
  { name: 'Kubernetes', alg: 'ES256', claims: kubernetesClaims, issuer: 'https://kubernetes.default.svc.cluster.local', template: 'k8s:{kubernetes.io.namespace}/{kubernetes.io.serviceaccount.name}', expectedSource: 'k8s:payments/evidence-exporter' },
  { name: 'SPIFFE', alg: 'ES256', claims: spiffeClaims, issuer: 'https://oidc.spire.example.org', template: '{sub}', expectedSource: 'spiffe://example.org/ns/payments/sa/evidence-exporter' },
  { name: 'Google Cloud', alg: 'RS256', claims: gcpClaims, issuer: 'https://accounts.google.com', template: 'gcp:{google.compute_engine.project_id}/{email}', expectedSource: 'gcp:payments-prod/evidence-exporter@payments-prod.iam.gserviceaccount.com' },
  { name: 'Azure', alg: 'RS256', claims: azureClaims, issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', template: 'azure:{tid}/{oid}', expectedSource: 'azure:72f988bf-86f1-41af-91ab-2d7cd011db47/0b7a4c1f-9f1e-4a51-8b0a-6f6b1e2f3d4c' },
];

describe('workload identity tokens', () => {
  const tmp = tempDir();
  const keys = new Map<string, TestKey>();
  let other: TestKey;
  let issuers: TrustedIssuer[];
  let t: TestLedger;
  const now = { ms: NOW };
  const logLines: string[] = [];

  beforeAll(async () => {
    const config = [];
    for (const kind of KINDS) {
      const key = await testKey(`${kind.name}-1`, kind.alg);
      keys.set(kind.name, key);
      const jwks = writeJwks(tmp.dir, `${kind.alg}-${keys.size}.jwks.json`, key);
      config.push({ issuer: kind.issuer, audience: AUD, jwks: path.basename(jwks), source: kind.template, role: 'writer' });
    }
    other = await testKey('GitHub Actions-1', 'RS256'); // same kid as GitHub's, another key
    const file = path.join(tmp.dir, 'oidc.json');
    writeFileSync(file, JSON.stringify(config));
    const loaded = loadTrustedIssuers(file);
    if (!('issuers' in loaded)) throw new Error(JSON.stringify(loaded.problems));
    issuers = loaded.issuers;
    t = openTestLedger({ nowMs: NOW });
    now.ms = NOW;
  });
  afterAll(() => {
    t.cleanup();
    tmp.cleanup();
  });

  function handlers() {
    const workload = createWorkloadVerifier(issuers, { now: () => now.ms });
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
    return {
      fast: createHandler({ ledger: t.ledger, logger, workload }),
      express: createApp({ ledger: t.ledger, logger, workload }),
    };
  }

  const token = (kind: Kind, change: (c: Record<string, unknown>) => Record<string, unknown> = (c) => c, key = keys.get(kind.name)!, header = {}) =>
    signJwt(key, change(kind.claims(now.ms, AUD)), header);

  it.each(KINDS)('accepts a $name token as a writer, with the source its template makes from the claims', async (kind) => {
    const jwt = await token(kind);
    for (const app of Object.values(handlers())) {
      const res = await request(app).post('/v1/entries').set('Authorization', `Bearer ${jwt}`).send(rotation(1)).expect(201);
      expect(res.body.entry.source).toBe(kind.expectedSource);
    }
  });

  const github = KINDS[0]!;
  const s = (ms: number) => Math.floor(ms / 1000);
  const REFUSALS: [string, () => Promise<string>, RegExp][] = [
    ['expired', () => token(github, (c) => ({ ...c, iat: s(NOW) - 900, nbf: s(NOW) - 900, exp: s(NOW) - 120 })), /expired/],
    ['not valid yet (beyond the skew)', () => token(github, (c) => ({ ...c, nbf: s(NOW) + 120, iat: s(NOW) })), /not valid yet/],
    ['issued in the future', () => token(github, (c) => ({ ...c, iat: s(NOW) + 3600, nbf: undefined, exp: s(NOW) + 3900 })), /issued in the future/],
    ['without exp', () => token(github, ({ exp: _exp, ...c }) => c), /no expiry/],
    ['longer-lived than allowed', () => token(github, (c) => ({ ...c, exp: s(NOW) + 2 * 86_400 })), /longer than the 86400 s/],
    ['for another audience', () => token(github, (c) => ({ ...c, aud: 'https://other.example.com' })), /audience/],
    ['from an untrusted issuer', () => token(github, (c) => ({ ...c, iss: 'https://evil.example.com' })), /not a trusted issuer/],
    ['signed by another key with a known kid', () => token(github, (c) => c, other), /signature does not verify/],
    ['with an unknown kid', () => token(github, (c) => c, keys.get(github.name)!, { kid: 'no-such-key' }), /no key of its issuer matches/],
    ['whose claims lack what the template needs', () => token(github, ({ repository: _r, ...c }) => c), /"repository" claim/],
    ['whose source would hold a bidi override', () => token(github, (c) => ({ ...c, ref: 'refs/heads/\u202Emain' })), /bidirectional/],
    ['whose source would hold a secret', () => token(github, (c) => ({ ...c, ref: 'AKIAIOSFODNN7EXAMPLE' })), /looks like a secret/],
    ['whose source would use the reserved prefix', () => signJwt(keys.get('SPIFFE')!, { ...spiffeClaims(NOW, AUD), sub: 'ledger:self' }), /reserved/],
  ];

  it.each(REFUSALS)('refuses a token %s with a 401 that names why and never repeats the token', async (_name, make, reason) => {
    const jwt = await make();
    for (const app of Object.values(handlers())) {
      const res = await request(app).post('/v1/entries').set('Authorization', `Bearer ${jwt}`).send(rotation(2)).expect(401);
      expect(res.body.detail).toMatch(reason);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="evidence-ledger"');
      for (const part of jwt.split('.')) expect(res.text).not.toContain(part);
    }
  });

  it('refuses a tampered token: one changed claim breaks the signature', async () => {
    const jwt = await token(github);
    const [h, p, sig] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, repository: 'octo-org/other' })).toString('base64url')}.${sig}`;
    const res = await request(handlers().fast).post('/v1/entries').set('Authorization', `Bearer ${forged}`).send(rotation(3)).expect(401);
    expect(res.body.detail).toMatch(/signature does not verify/);
  });

  it('refuses alg none and HS256 signed with the issuer\'s public key as the HMAC secret', async () => {
    const claims = githubClaims(NOW, AUD);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const { createHmac } = await import('node:crypto');
    const headerAndClaims = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'GitHub Actions-1' })}.${b64(claims)}`;
    const secret = JSON.stringify(keys.get(github.name)!.publicJwk);
    const hs = `${headerAndClaims}.${createHmac('sha256', secret).update(headerAndClaims).digest('base64url')}`;
    for (const [jwt, alg] of [[none, 'none'], [hs, 'HS256']] as const) {
      const res = await request(handlers().express).post('/v1/entries').set('Authorization', `Bearer ${jwt}`).send(rotation(4)).expect(401);
      expect(res.body.detail).toBe(`Workload identity token refused: "${alg}" algorithm is not accepted (only RS256, ES256, EdDSA).`);
    }
  });

  it('accepts not-before within the configured skew, and refuses past it', async () => {
    const within = await token(github, (c) => ({ ...c, nbf: s(NOW) + 30 }));
    await request(handlers().fast).post('/v1/entries').set('Authorization', `Bearer ${within}`).send(rotation(5)).expect(201);
    const beyond = await token(github, (c) => ({ ...c, nbf: s(NOW) + 61 }));
    await request(handlers().fast).post('/v1/entries').set('Authorization', `Bearer ${beyond}`).send(rotation(6)).expect(401);
  });

  it('grants only the issuer\'s role: a writer token may not read what an auditor reads', async () => {
    const jwt = await token(github);
    await request(handlers().express).get('/v1/entries').set('Authorization', `Bearer ${jwt}`).expect(403);
  });

  it('keeps static tokens working beside workload tokens', async () => {
    await request(handlers().fast).post('/v1/entries').set('Authorization', `Bearer ${t.tokens.writer}`).send(rotation(7)).expect(201);
  });

  it('never logs the token, accepted or refused', async () => {
    logLines.length = 0;
    const good = await token(github);
    const bad = await token(github, (c) => ({ ...c, aud: 'x' }));
    const { fast, express } = handlers();
    await request(fast).post('/v1/entries').set('Authorization', `Bearer ${good}`).send(rotation(8)).expect(201);
    await request(express).post('/v1/entries').set('Authorization', `Bearer ${bad}`).send(rotation(9)).expect(401);
    expect(logLines.length).toBeGreaterThanOrEqual(2);
    const all = logLines.join('');
    for (const jwt of [good, bad]) for (const part of jwt.split('.').filter((p) => p.length > 8)) expect(all).not.toContain(part);
  });

  it('remembers an accepted token (by hash) for a minute at most and never past its expiry', async () => {
    let at = NOW;
    const verifier = createWorkloadVerifier(issuers, { now: () => at });
    const jwt = await signJwt(keys.get(github.name)!, { ...githubClaims(NOW, AUD), exp: s(NOW) + 90 });
    expect(await verifier.verify(jwt)).toEqual({ tokenId: 'oidc', role: 'writer', source: 'github:octo-org/octo-repo@refs/heads/main' });
    at = NOW + 59_000;
    expect(await verifier.verify(jwt)).toMatchObject({ role: 'writer' });
    // Past its expiry (and the skew) it is verified again, and refused.
    at = NOW + 90_000 + 61_000;
    const late = await verifier.verify(jwt);
    expect(late).toBeInstanceOf(HttpProblem);
    expect((late as HttpProblem).detail).toMatch(/expired/);
  });

  it('verifies a burst of tokens a few at a time and answers every one', async () => {
    const verifier = createWorkloadVerifier(issuers, { now: () => NOW });
    const jwts = await Promise.all(Array.from({ length: 50 }, (_, i) => signJwt(keys.get(github.name)!, { ...githubClaims(NOW, AUD), jti: `burst-${i}` })));
    const results = await Promise.all(jwts.map((jwt) => verifier.verify(jwt)));
    expect(results.every((r) => !(r instanceof HttpProblem) && r.source === 'github:octo-org/octo-repo@refs/heads/main')).toBe(true);
  });

  it('the verifier itself answers a problem, never throws, for any garbage that looks like a JWT', async () => {
    const verifier = createWorkloadVerifier(issuers, { now: () => NOW });
    for (const garbage of ['eyJ.e30.', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.x', 'eyJ9.eyJ9.eyJ9']) {
      const r = await verifier.verify(garbage);
      expect(r).toBeInstanceOf(HttpProblem);
      expect((r as HttpProblem).status).toBe(401);
    }
  });
});
