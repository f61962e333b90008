/**
 * The OpenAPI document: valid OpenAPI 3.1, served at /openapi.json, describing every express
 * route (and no route that does not exist), and the answer check the API tests run under
 * (support/openapi-setup.ts) really rejects an answer that breaks it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/request-log.js';
import { openApiDocument } from '../../src/http/openapi/document.js';
import { answerMismatch, describedHandlers } from '../support/openapi-check.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';

type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every METHOD path express would route, with `:param` written `{param}`, from nested routers too. */
function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        // `:name` is a parameter, `*name` a wildcard over the rest of the path (documented as `{name}`).
        for (const path of ([] as string[]).concat(layer.route.path)) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.push(`${method.toUpperCase()} ${path.replace(/[:*](\w+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out.sort();
}

function documentedRoutes(): string[] {
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('the OpenAPI document', () => {
  let t: TestLedger;
  beforeAll(() => {
    t = openTestLedger();
  });
  afterAll(() => t.cleanup());

  it('is valid OpenAPI 3.1 (checked against the OpenAPI Initiative 3.1 schema)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApiDocument()));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route express serves, and only those: a new route needs its *.doc.ts entry', () => {
    const app = createApp({ ledger: t.ledger, logger: createLogger('silent') });
    const routes = expressRoutes(app);
    // The walk must see the routes at all (a change in express internals must not make this pass vacuously).
    expect(routes).toContain('POST /v1/entries');
    expect(routes).toContain('GET /v1/entries/{index}/tlog-proof');
    const documented = documentedRoutes();
    expect(routes.filter((r) => !documented.includes(r)), 'express routes missing from the OpenAPI document').toEqual([]);
    expect(documented.filter((r) => !routes.includes(r)), 'documented routes express does not serve').toEqual([]);
  });

  it('is served at /openapi.json, publicly, as JSON', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(openApiDocument());
    expect(res.body.openapi).toMatch(/^3\.1\./);
  });

  it('names the evidence record schema as the record JSON Schema does, and security schemes by role', () => {
    const doc = openApiDocument() as any;
    const post = doc.paths['/v1/entries'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EvidenceRecord' });
    expect(post.security).toEqual([{ bearerToken: ['writer'] }]);
    expect(doc.paths['/v1/checkpoint'].get.security).toEqual([]);
    expect(Object.keys(post.responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '410', '413', '415', '503']);
    expect(doc.components.schemas.EvidenceRecord.oneOf).toHaveLength(10);
  });
});

describe('the answer check every API test runs under', () => {
  let t: TestLedger;
  beforeAll(() => {
    t = openTestLedger();
  });
  afterAll(() => t.cleanup());

  it('passes real answers of the ledger', async () => {
    const res = await request(t.app).post('/v1/entries').set('Authorization', `Bearer ${t.tokens.writer}`).send(rotation(1)).expect(201);
    expect(answerMismatch('POST', '/v1/entries', res)).toBeUndefined();
  });

  it('names what is wrong: an undocumented status, media type, body member, path or method', () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(answerMismatch('GET', '/v1/key', { status: 418, headers: json, body: {} })).toMatch(/status 418 is not documented/);
    expect(answerMismatch('GET', '/v1/key', { status: 200, headers: { 'content-type': 'text/plain' }, body: '' })).toMatch(/media type text\/plain/);
    expect(answerMismatch('GET', '/v1/key', { status: 200, headers: json, body: { origin: 'o', verifierKey: 'k' } })).toMatch(/publicKey/);
    expect(answerMismatch('GET', '/v1/key', { status: 200, headers: json, body: { origin: 'o', verifierKey: 'k', publicKey: 'AA==', extra: 1 } })).toMatch(/additional/);
    expect(answerMismatch('GET', '/v1/nothing', { status: 200, headers: json, body: {} })).toMatch(/path is not in the OpenAPI document/);
    expect(answerMismatch('PUT', '/v1/key', { status: 200, headers: json, body: {} })).toMatch(/method is not in the OpenAPI document/);
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'x', instance: '/v1/nothing' };
    expect(answerMismatch('GET', '/v1/nothing', { status: 404, headers: { 'content-type': 'application/problem+json' }, body: problem })).toBeUndefined();
  });

  it('fails a supertest request whose answer breaks the document, as a failed expect would', async () => {
    const liar = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"origin":"o"}');
    };
    describedHandlers.add(liar);
    await expect(request(liar).get('/v1/key')).rejects.toThrow(/answer breaks the OpenAPI document: GET \/v1\/key -> 200: body does not fit/);
    // The same answer from an app that is not described is not checked.
    const undescribed = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"origin":"o"}');
    };
    expect((await request(undescribed).get('/v1/key')).status).toBe(200);
  });
});
