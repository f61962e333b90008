/**
 * An issuer whose keys are at a URL: served here by a real HTTP server on a loopback port (plain
 * http is allowed for loopback hosts only, with "allowLoopbackHttp": true). Key rotation is
 * picked up on an unknown key id, and fetches are rate-limited whatever tokens arrive.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createHandler } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { loadTrustedIssuers, type TrustedIssuer } from '../../src/identity/oidc-config.js';
import { createWorkloadVerifier } from '../../src/identity/workload-verifier.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { jwksOf, signJwt, spiffeClaims, testKey, type TestKey } from '../support/oidc.js';

const NOW = Date.parse('2026-09-14T02:00:00.000Z');
const AUD = 'ledger';
const ISSUER = 'https://oidc.spire.example.org';

describe('a JWK Set fetched from a URL', () => {
  const tmp = tempDir();
  let server: Server;
  let url: string;
  let served: { keys: unknown[] } | 'down' = 'down';
  let fetches = 0;
  let k1: TestKey;
  let k2: TestKey;
  let t: TestLedger;

  beforeAll(async () => {
    k1 = await testKey('2026-09', 'EdDSA');
    k2 = await testKey('2026-10', 'EdDSA');
    server = createServer((_req, res) => {
      fetches++;
      if (served === 'down') res.writeHead(502).end();
      else res.writeHead(200, { 'Content-Type': 'application/jwk-set+json' }).end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/keys`;
    t = openTestLedger({ nowMs: NOW });
  });
  afterAll(async () => {
    t.cleanup();
    tmp.cleanup();
    await new Promise((resolve) => server.close(resolve));
  });

  function configure(extra: Record<string, unknown>): TrustedIssuer[] {
    const file = path.join(tmp.dir, 'oidc.json');
    writeFileSync(file, JSON.stringify([{ issuer: ISSUER, audience: AUD, jwks: url, source: '{sub}', jwksMinRefreshSeconds: 30, ...extra }]));
    const loaded = loadTrustedIssuers(file);
    if ('problems' in loaded) throw new Error(loaded.problems.map((p) => `${p.at}: ${p.message}`).join('; '));
    return loaded.issuers;
  }

  it('is refused as plain http unless allowed, and then only for a loopback host', () => {
    expect(() => configure({})).toThrow(/\[0\]\.jwks: must be an https URL \(plain http is allowed only for a loopback host/);
    expect(() => configure({ allowLoopbackHttp: true, jwks: 'http://keys.example.com/jwks' })).toThrow(/must be an https URL/);
    expect(() => configure({ allowLoopbackHttp: true, jwks: 'https://user:pw@keys.example.com/jwks' })).toThrow(/credentials/);
    expect(configure({ allowLoopbackHttp: true })[0]!.keys).toEqual({ kind: 'url', url: new URL(url) });
  });

  it('answers 503 while the keys cannot be fetched, follows a rotation, and fetches at most once per interval', async () => {
    const now = { ms: NOW };
    const app = createHandler({ ledger: t.ledger, logger: createLogger('silent'), workload: createWorkloadVerifier(configure({ allowLoopbackHttp: true }), { now: () => now.ms }) });
    const post = async (key: TestKey, kid = key.kid) => {
      const jwt = await signJwt(key, spiffeClaims(now.ms, AUD), { kid });
      return request(app).post('/v1/entries').set('Authorization', `Bearer ${jwt}`).send(rotation(1));
    };

    // The issuer is down: not the client's fault, so 503 with Retry-After; a second token within the interval does not fetch again.
    served = 'down';
    fetches = 0;
    const down = await post(k1);
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect((await post(k1)).status).toBe(503);
    expect(fetches).toBe(1);

    // Back up: the next fetch is allowed once the interval has passed.
    served = jwksOf(k1);
    now.ms += 30_000;
    expect((await post(k1)).status).toBe(201);
    expect(fetches).toBe(2);
    // Cached: no fetch for a known key.
    expect((await post(k1)).status).toBe(201);
    expect(fetches).toBe(2);

    // Made-up key ids within the interval: refused without fetching.
    for (let i = 0; i < 10; i++) expect((await post(k1, `made-up-${i}`)).status).toBe(401);
    expect(fetches).toBe(2);

    // The issuer rotates to k2 and retires k1. Past the interval, an unknown kid fetches once and k2 works.
    served = jwksOf(k2);
    now.ms += 31_000;
    const rotated = await post(k2);
    expect(rotated.status).toBe(201);
    expect(rotated.body.entry.source).toBe('spiffe://example.org/ns/payments/sa/evidence-exporter');
    expect(fetches).toBe(3);
    // The retired key is no longer accepted (the refresh for it is within the interval: no fetch).
    const retired = await post(k1);
    expect(retired.status).toBe(401);
    expect(retired.body.detail).toMatch(/no key of its issuer matches/);
    expect(fetches).toBe(3);
  });

  it('keeps serving other requests while a key fetch hangs, and answers the waiting token 503 at the timeout', async () => {
    const hanging = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const addr = hanging.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const issuers = configure({ allowLoopbackHttp: true, jwks: `http://127.0.0.1:${port}/keys`, jwksTimeoutSeconds: 1 });
      const app = createHandler({ ledger: t.ledger, logger: createLogger('silent'), workload: createWorkloadVerifier(issuers, { now: () => NOW }) });
      const started = Date.now();
      const jwt = await signJwt(k1, spiffeClaims(NOW, AUD));
      const waiting = request(app).post('/v1/entries').set('Authorization', `Bearer ${jwt}`).send(rotation(1)).then((r) => ({ status: r.status, at: Date.now() }));
      // Meanwhile a static token's append is answered at once.
      const staticAnswer = await request(app).post('/v1/entries').set('Authorization', `Bearer ${t.tokens.writer}`).send(rotation(2));
      const staticAt = Date.now();
      expect(staticAnswer.status).toBe(201);
      const jwtAnswer = await waiting;
      expect(jwtAnswer.status).toBe(503);
      expect(staticAt).toBeLessThan(jwtAnswer.at);
      expect(jwtAnswer.at - started).toBeGreaterThanOrEqual(900);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  it('fetches again when the cached set is older than its maximum age', async () => {
    const now = { ms: NOW };
    served = jwksOf(k2);
    const verifier = createWorkloadVerifier(configure({ allowLoopbackHttp: true, jwksMaxAgeSeconds: 600, jwksMinRefreshSeconds: 1 }), { now: () => now.ms });
    fetches = 0;
    const jwt = async () => signJwt(k2, spiffeClaims(now.ms, AUD));
    expect(await verifier.verify(await jwt())).toMatchObject({ role: 'writer' });
    now.ms += 599_000;
    expect(await verifier.verify(await jwt())).toMatchObject({ role: 'writer' });
    expect(fetches).toBe(1);
    now.ms += 2_000;
    expect(await verifier.verify(await jwt())).toMatchObject({ role: 'writer' });
    expect(fetches).toBe(2);
  });
});
