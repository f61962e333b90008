/**
 * Requests generated from the OpenAPI document itself, in the spirit of Schemathesis (which is
 * Python, unreachable here): for every operation, parameters from each parameter's schema,
 * valid or not, bodies from valid records mutated or from arbitrary JSON, and any of the
 * tokens (none, each role, a wrong one). The server must answer no 5xx, and every answer must
 * fit the document. Bounded: a fixed number of requests per operation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import request from 'supertest';
import { openApiDocument } from '../../src/http/openapi/document.js';
import { answerMismatch } from '../support/openapi-check.js';
import { openTestLedger, rotation, type TestLedger } from '../support/ledger.js';
import { validExamples } from '../evidence/examples.js';

type Json = Record<string, any>;
const RUNS_PER_OPERATION = 60;
/**
 * No period has closed in this ledger (and a sample is of a closed period only), no random id
 * names a token, and /verify needs the web build.
 */
const NEVER_SUCCEEDS = new Set(['get /v1/periods/{id}', 'get /v1/samples', 'delete /v1/tokens/{id}', 'get /verify']);

const doc = openApiDocument() as Json;
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
);

/** A value a parameter's schema admits (integers kept small, so reads hit real entries). */
function validValue(schema: Json): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.examples) return fc.constantFrom(...(schema.examples as string[]));
  if (schema.type === 'integer') return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 8, 8) }).map(String);
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: 24 });
}

const invalidValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '-1', '01', '1e3', '0x10', '9007199254740993', '1.5', 'x'.repeat(300), ' ', '%', 'null'),
);

const isDotSegment = (segment: string) => /^(\.|%2e){1,2}$/i.test(segment);

const valueFor = (schema: Json) => fc.oneof({ weight: 3, arbitrary: validValue(schema) }, { weight: 1, arbitrary: invalidValue });

/** Present one time in four: an operation with many optional parameters still gets valid requests. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const examples = Object.values(validExamples);
const recordArb: fc.Arbitrary<unknown> = fc.constantFrom(...examples).chain((base) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(base) },
    fc.constantFrom(...Object.keys(base)).map((k) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== k))),
    fc.tuple(fc.constantFrom(...Object.keys(base), 'unknownMember', 'details'), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...base, [k]: v })),
  ),
);

function bodyFor(path: string): fc.Arbitrary<unknown> {
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  if (path === '/v1/entries') return fc.oneof({ weight: 4, arbitrary: recordArb }, { weight: 1, arbitrary: anyJson });
  if (path === '/v1/entries/batch') {
    return fc.oneof({ weight: 4, arbitrary: fc.array(recordArb, { maxLength: 3 }).map((records) => ({ records })) }, { weight: 1, arbitrary: anyJson });
  }
  if (path === '/v1/source-keys') {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
    return fc.oneof({ weight: 3, arbitrary: fc.record({ source: fc.constantFrom('fuzz-source-a', 'fuzz-source-b'), publicKey: fc.oneof(key, fc.string()) }) }, anyJson);
  }
  if (path === '/v1/entries/{index}/redaction') {
    return fc.oneof(
      { weight: 3, arbitrary: fc.record({ reason: fc.string({ maxLength: 40 }), ticket: fc.constantFrom('CHG-1', 'CHG-2', '') }, { requiredKeys: [] }) },
      anyJson,
    );
  }
  if (path === '/v1/tokens') {
    return fc.oneof(
      fc.record(
        {
          role: fc.constantFrom('writer', 'auditor', 'admin', 'root'),
          source: fc.string({ maxLength: 30 }),
          expiresAt: fc.oneof(fc.constant('2030-01-01T00:00:00Z'), fc.constant('2001-01-01T00:00:00Z'), fc.string()),
        },
        { requiredKeys: ['role', 'source'] },
      ),
      anyJson,
    );
  }
  return anyJson;
}

describe('requests generated from the OpenAPI document', () => {
  let t: TestLedger;
  beforeAll(async () => {
    t = openTestLedger();
    for (let i = 0; i < 6; i++) {
      await request(t.app).post('/v1/entries').set('Authorization', `Bearer ${t.tokens.writer}`).send(rotation(i)).expect(201);
      t.ledger.tick(); // a checkpoint at every size 1..6
    }
  });
  afterAll(() => t.cleanup());

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))('%s: no 5xx, every answer fits the document', async (_name, { path, method, op }) => {
    const params = (op.parameters ?? []) as Json[];
    const seen = new Set<number>();
    // Mostly the token of a role the operation admits, so requests get past the door.
    const role = (op.security?.[0]?.bearerToken?.[0] ?? 'auditor') as 'writer' | 'auditor' | 'admin';
    const tokenArb = fc.oneof(
      { weight: 3, arbitrary: fc.constant<string | undefined>(t.tokens[role]) },
      { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, t.tokens.writer, t.tokens.auditor, t.tokens.admin, 'elt_writer_wrong') },
    );
    // A path segment "." or ".." is removed by the client's URL resolution (RFC 3986 §5.2.4; "%2e" too, in WHATWG
    // URLs): the request would go to another path than the operation's, so path values never are one.
    const forIn = (p: Json) => (p.in === 'path' ? valueFor(p.schema).filter((v) => !v.split('/').some(isDotSegment)) : valueFor(p.schema));
    const paramArb = fc.record(
      Object.fromEntries(params.map((p) => [`${p.in}:${p.name}`, p.required ? forIn(p) : rarely(forIn(p))])),
    ) as fc.Arbitrary<Record<string, string | undefined>>;
    const extraQuery = rarely(fc.tuple(fc.constantFrom('unknown', 'limit', 'index'), fc.string({ maxLength: 8 })));
    const bodyArb = op.requestBody ? fc.option(bodyFor(path), { nil: undefined, freq: 8 }) : fc.constant(undefined);

    await fc.assert(
      fc.asyncProperty(tokenArb, paramArb, extraQuery, bodyArb, async (token, values, extra, body) => {
        let url = path;
        const query = new URLSearchParams();
        const headers: Record<string, string> = {};
        for (const p of params) {
          const v = values[`${p.in}:${p.name}`];
          if (v === undefined) continue;
          // {rest} is a wildcard over several segments: its slashes stay slashes.
          if (p.in === 'path') url = url.replace(`{${p.name}}`, p.name === 'rest' ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v));
          else if (p.in === 'query') query.append(p.name, v);
          else if (p.in === 'header' && /^[\x21-\x7e]*$/.test(v)) headers[p.name] = v;
        }
        if (extra) query.append(extra[0], extra[1]);
        const qs = query.toString();
        let req = request(t.app)[method as 'get'](qs ? `${url}?${qs}` : url);
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        req = req.set(headers);
        // As text, so that JSON scalars (which superagent will not send) are bodies too.
        const res = await (body === undefined ? req : req.type('application/json').send(JSON.stringify(body)));
        expect(res.status, `${method.toUpperCase()} ${url}?${qs}: ${res.text?.slice(0, 300)}`).toBeLessThan(500);
        expect(answerMismatch(method, url, res)).toBeUndefined();
        seen.add(res.status);
      }),
      { numRuns: RUNS_PER_OPERATION },
    );
    // The generator reaches past the door: some request of every operation is admitted and valid
    const success = [...seen].some((s) => s < 300);
    if (!NEVER_SUCCEEDS.has(`${method} ${path}`)) expect(success, `statuses seen: ${[...seen].join(', ')}`).toBe(true);
    if (process.env.FUZZ_VERBOSE) console.log(method, path, [...seen].sort());
  });
});
