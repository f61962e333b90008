/**
 * The append fast path in front of express (src/http/fast-append.ts) must answer exactly what
 * the express routes answer, and take nothing but the two exact append paths.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { principalResolver } from '../../src/http/auth.js';
import { mapDomainError } from '../../src/http/errors-map.js';
import { fastAppend } from '../../src/http/fast-append.js';
import { inlinePreparer } from '../../src/http/prepare-pool.js';
import { createLogger } from '../../src/http/request-log.js';
import { openTestLedger, rotation, approval, type TestLedger } from '../support/ledger.js';
import { createWorkloadVerifier } from '../../src/identity/workload-verifier.js';
import { loadTrustedIssuers, type TrustedIssuer } from '../../src/identity/oidc-config.js';
import { githubClaims, signJwt, testKey, writeJwks } from '../support/oidc.js';
import { tempDir } from '../support/tmp.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Workload tokens of a GitHub-shaped issuer, made once: a good one, an expired one, one for another audience. */
const JWTS: Record<'jwt' | 'jwt-expired' | 'jwt-wrong-audience', string> = { jwt: '', 'jwt-expired': '', 'jwt-wrong-audience': '' };
let ISSUERS: TrustedIssuer[] = [];
const NOW_MS = Date.parse('2026-09-14T02:00:00.000Z');
const oidcDir = tempDir();
beforeAll(async () => {
  const key = await testKey('gh-1', 'RS256');
  writeJwks(oidcDir.dir, 'gh.jwks.json', key);
  const file = path.join(oidcDir.dir, 'oidc.json');
  writeFileSync(file, JSON.stringify([{ issuer: 'https://token.actions.githubusercontent.com', audience: 'ledger', jwks: 'gh.jwks.json', source: 'github:{repository}@{ref}' }]));
  const loaded = loadTrustedIssuers(file);
  if (!('issuers' in loaded)) throw new Error('bad test issuer');
  ISSUERS = loaded.issuers;
  JWTS.jwt = await signJwt(key, githubClaims(NOW_MS, 'ledger'));
  JWTS['jwt-expired'] = await signJwt(key, { ...githubClaims(NOW_MS - 3_600_000, 'ledger') });
  JWTS['jwt-wrong-audience'] = await signJwt(key, githubClaims(NOW_MS, 'elsewhere'));
});
afterAll(() => oidcDir.cleanup());

const ADMIN_TOKEN = 'env-admin-token-for-the-fast-path-test-0123456789';

function fastOnly(t: TestLedger): { handler: RequestListener; taken: (req: IncomingMessage, res: ServerResponse) => boolean } {
  const taken = fastAppend({
    ledger: t.ledger,
    preparer: inlinePreparer(),
    logger: createLogger('silent'),
    principalOf: principalResolver(t.store.tokens, { adminToken: ADMIN_TOKEN, now: t.ledger.clock, workload: createWorkloadVerifier(ISSUERS, { now: t.ledger.clock }) }),
    mappers: [mapDomainError],
  });
  // Anything the fast path does not take answers 599, which no scenario below may see.
  return { taken, handler: (req, res) => void (taken(req, res) || res.writeHead(599).end()) };
}

type Scenario = [name: string, path: string, role: 'writer' | 'auditor' | 'env-admin' | keyof typeof JWTS | null, body: string | undefined, headers?: Record<string, string>];

const json = { 'Content-Type': 'application/json' };
const SCENARIOS: Scenario[] = [
  ['no token', '/v1/entries', null, JSON.stringify(rotation(1)), json],
  ['an auditor token', '/v1/entries', 'auditor', JSON.stringify(rotation(1)), json],
  ['the environment admin token', '/v1/entries', 'env-admin', JSON.stringify(rotation(1)), json],
  ['another charset', '/v1/entries', 'writer', JSON.stringify(rotation(1)), { 'Content-Type': 'application/json; charset=latin1' }],
  ['a content coding', '/v1/entries', 'writer', JSON.stringify(rotation(1)), { ...json, 'Content-Encoding': 'gzip' }],
  ['more records than the queue takes (503)', '/v1/entries/batch', 'writer', JSON.stringify({ records: Array.from({ length: 30 }, (_, i) => rotation(100 + i)) }), json],
  ['not JSON', '/v1/entries', 'writer', 'hi', { 'Content-Type': 'text/plain' }],
  ['malformed JSON', '/v1/entries', 'writer', '{"type":', json],
  ['no body', '/v1/entries', 'writer', undefined],
  ['a secret', '/v1/entries', 'writer', JSON.stringify({ ...rotation(1), details: { password: 'Zx8!qL2#vR9@tY4$wE7^' } }), json],
  ['a bad Idempotency-Key', '/v1/entries', 'writer', JSON.stringify(rotation(1)), { ...json, 'Idempotency-Key': 'has space' }],
  ['an unknown query parameter', '/v1/entries?ignored=1', 'writer', JSON.stringify(rotation(1)), json],
  ['a repeated unknown query parameter, no token', '/v1/entries/batch?a=1&a=2', null, JSON.stringify(rotation(1)), json],
  ['a record', '/v1/entries', 'writer', JSON.stringify(rotation(1)), { ...json, 'Idempotency-Key': 'k-1' }],
  ['its retry', '/v1/entries', 'writer', JSON.stringify(rotation(1)), { ...json, 'Idempotency-Key': 'k-1' }],
  ['the key for another record', '/v1/entries', 'writer', JSON.stringify(rotation(2)), { ...json, 'Idempotency-Key': 'k-1' }],
  ['a body past 1 MiB', '/v1/entries', 'writer', JSON.stringify({ ...rotation(3), details: { x: 'a'.repeat(1024 * 1024) } }), json],
  ['a batch', '/v1/entries/batch', 'writer', JSON.stringify({ records: [rotation(4), approval(5)] }), json],
  ['a batch with a bad second record', '/v1/entries/batch', 'writer', JSON.stringify({ records: [rotation(6), { ...approval(7), controlId: '' }] }), json],
  ['a client request id', '/v1/entries', 'writer', JSON.stringify(rotation(8)), { ...json, 'X-Request-Id': 'client-id-42' }],
  ['a workload token', '/v1/entries', 'jwt', JSON.stringify(rotation(9)), json],
  ['a workload token, batch', '/v1/entries/batch', 'jwt', JSON.stringify({ records: [rotation(10)] }), json],
  ['an expired workload token', '/v1/entries', 'jwt-expired', JSON.stringify(rotation(11)), json],
  ['a workload token for another audience', '/v1/entries', 'jwt-wrong-audience', JSON.stringify(rotation(12)), json],
  ['a workload token and a bad body', '/v1/entries', 'jwt', '{"type":', json],
  ['a signature from a source without a key', '/v1/entries', 'writer', JSON.stringify(rotation(13)), { ...json, 'Evidence-Signature': 'AAAA' }],
];

async function answers(t: TestLedger, handler: RequestListener) {
  const out = [];
  for (const [name, path, role, body, headers = {}] of SCENARIOS) {
    let req = request(createServer(handler)).post(path).set(headers);
    if (role) req = req.set('Authorization', `Bearer ${role === 'env-admin' ? ADMIN_TOKEN : role in JWTS ? JWTS[role as keyof typeof JWTS] : t.tokens[role as 'writer']}`);
    const res = await (body === undefined ? req : req.send(body));
    // Every header but the date, express's ETag on problem documents (the fast path sends none: a
    // POST answer is never revalidated) and a generated request id (compared by presence).
    const { date: _date, etag: _etag, 'x-request-id': requestId, ...rest } = res.headers as Record<string, string>;
    out.push({
      name,
      status: res.status,
      headers: rest,
      requestId: headers['X-Request-Id'] ? requestId : typeof requestId,
      body: res.text ? JSON.parse(res.text) : undefined,
    });
  }
  return out;
}

describe('the append fast path', () => {
  let a: TestLedger;
  let b: TestLedger;
  // A queue of 20 records: the 30-record batch is refused with 503 and Retry-After.
  const settings = { queueMax: 20 };
  beforeEach(() => {
    a = openTestLedger({ settings, adminToken: ADMIN_TOKEN });
    b = openTestLedger({ settings, adminToken: ADMIN_TOKEN });
  });
  afterEach(() => {
    a.cleanup();
    b.cleanup();
  });

  it('takes POST to the two exact append paths only, and leaves every other request untouched', () => {
    const { taken } = fastOnly(a);
    const res = {} as ServerResponse; // never touched when not taken
    const req = (method: string, url: string) => ({ method, url }) as IncomingMessage;
    for (const [method, url] of [['GET', '/v1/entries'], ['POST', '/v1/entries/'], ['POST', '/V1/entries'], ['POST', '/v1/entriesx'], ['POST', '/v1/proofs'], ['HEAD', '/v1/entries'], ['PUT', '/v1/entries/batch']]) {
      expect(taken(req(method!, url!), res), `${method} ${url}`).toBe(false);
    }
  });

  it('answers every scenario exactly as the express routes do', async () => {
    const fast = await answers(a, fastOnly(a).handler);
    const viaExpress = await answers(b, createApp({ ledger: b.ledger, logger: createLogger('silent'), adminToken: ADMIN_TOKEN, workload: createWorkloadVerifier(ISSUERS, { now: b.ledger.clock }) }));
    expect(fast.map((r) => r.status)).not.toContain(599);
    expect(fast).toEqual(viaExpress);
    const statuses = fast.map((r) => r.status);
    for (const status of [201, 200, 400, 401, 403, 409, 413, 415, 503]) expect(statuses).toContain(status);
    // And it did append: the same entries in both logs.
    expect(a.store.log.size()).toBe(b.store.log.size());
    expect(a.store.log.size()).toBe(6);
    // The workload token's entries carry the source its template made.
    expect(fast.find((r) => r.name === 'a workload token')?.body.entry.source).toBe('github:octo-org/octo-repo@refs/heads/main');
    expect(fast.find((r) => r.name === 'an expired workload token')?.body.detail).toMatch(/expired/);
  });
});
