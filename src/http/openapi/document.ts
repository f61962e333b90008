/**
 * GET /openapi.json: the OpenAPI 3.1 document, built from the route descriptions (route-doc.ts)
 * and the zod schemas with zod's own JSON Schema 2020-12 generator, which is OpenAPI 3.1's
 * schema dialect (the same generator writes schemas/evidence-record.v1.schema.json).
 */
import { z } from 'zod';
import { revocationSchema } from '../../evidence/record.js';
import { bundleDocs } from '../routes/bundles.doc.js';
import { checkpointDocs } from '../routes/checkpoints.doc.js';
import { entryDocs } from '../routes/entries.doc.js';
import { healthDocs } from '../routes/health.doc.js';
import { metricsDocs } from '../routes/metrics.doc.js';
import { openApiDocs } from '../routes/openapi.doc.js';
import { periodDocs } from '../routes/periods.doc.js';
import { proofDocs } from '../routes/proofs.doc.js';
import { redactionDocs } from '../routes/redactions.doc.js';
import { reportDocs } from '../routes/reports.doc.js';
import { sourceKeyDocs } from '../routes/source-keys.doc.js';
import { tlogDocs } from '../routes/tlog.doc.js';
import { tokenDocs } from '../routes/tokens.doc.js';
import { verifyPageDocs } from '../routes/verify-page.doc.js';
import type { AnswerDoc, RouteDoc } from './route-doc.js';
import { components } from './shapes.js';

/** Every documented route. A new route module adds its `*.doc.ts` list here. */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...entryDocs,
  ...healthDocs,
  ...checkpointDocs,
  ...proofDocs,
  ...periodDocs,
  ...bundleDocs,
  ...tokenDocs,
  ...sourceKeyDocs,
  ...verifyPageDocs,
  ...tlogDocs,
  ...metricsDocs,
  ...openApiDocs,
  ...reportDocs,
  ...redactionDocs,
];

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const REF = (id: string) => `#/components/schemas/${id}`;

type Json = Record<string, unknown>;

const toJsonSchemaOptions = {
  target: 'draft-2020-12',
  // `details` is a zod custom type (kept exactly as given); its description comes from its meta.
  unrepresentable: 'any',
  override: ({ zodSchema, jsonSchema }) => {
    if (zodSchema._zod.def.type === 'custom') jsonSchema.type = 'object';
    // The refinement "entitlement or credentialId, at least one", as evidence/json-schema.ts says it.
    if (zodSchema === revocationSchema) jsonSchema.anyOf = [{ required: ['entitlement'] }, { required: ['credentialId'] }];
  },
} satisfies Parameters<typeof z.toJSONSchema>[1];

/** A small schema inline (parameters, headers: no named shapes inside). */
function schemaOf(schema: z.ZodType): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, toJsonSchemaOptions) as Json;
  return rest;
}

/** A body's schema as a reference to a component, registered under `fallbackId` if it has no name yet. */
function refTo(schema: z.ZodType, fallbackId: string): Json {
  let id = components.get(schema)?.id;
  if (id === undefined) components.add(schema, { id: (id = fallbackId) });
  return { $ref: REF(id) };
}

function componentSchemas(): Json {
  const { schemas } = z.toJSONSchema(components, { ...toJsonSchemaOptions, uri: REF }) as { schemas: Record<string, Json> };
  const out: Json = {};
  for (const [id, { $schema: _s, $id: _i, ...rest }] of Object.entries(schemas)) out[id] = rest;
  return out;
}

function parameters(where: 'path' | 'query', shape: z.ZodObject | undefined): Json[] {
  if (!shape) return [];
  return Object.entries(shape.shape).map(([name, member]) => {
    const s = member as z.ZodType;
    const optional = s.safeParse(undefined).success;
    const schema = schemaOf(optional ? (s as z.ZodOptional).unwrap() as z.ZodType : s);
    const { description, ...rest } = schema;
    return { name, in: where, required: where === 'path' || !optional, ...(description ? { description } : {}), schema: rest };
  });
}

function headerObjects(headers: Record<string, string> | undefined): Json | undefined {
  if (!headers) return undefined;
  return Object.fromEntries(Object.entries(headers).map(([n, d]) => [n, { description: d, schema: { type: 'string' } }]));
}

function answer(doc: AnswerDoc, id: string): Json {
  const content: Json = {};
  if (doc.json) content['application/json'] = { schema: refTo(doc.json, id) };
  for (const [type, description] of Object.entries(doc.media ?? {})) content[type] = { schema: { type: 'string', description } };
  const headers = headerObjects(doc.headers);
  return { description: doc.description, ...(headers ? { headers } : {}), ...(Object.keys(content).length ? { content } : {}) };
}

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Bad request: the problem names the wrong field.',
  401: 'No valid bearer token.',
  403: "The token's role may not do this.",
  404: 'Not found.',
  409: 'Conflict.',
  410: 'Gone: the entry was redacted (its leaf bytes were removed).',
  413: 'The body is too large.',
  415: 'The body is not UTF-8 application/json.',
  503: 'Unavailable for now (back-pressure, storage, no checkpoint yet, a write that reached a follower: not-leader, with the leader URL when known): retry after Retry-After seconds.',
};

function problemAnswer(status: number): Json {
  const headers: Json = {};
  if (status === 401) headers['WWW-Authenticate'] = { description: 'Bearer realm="evidence-ledger"', schema: { type: 'string' } };
  if (status === 503) headers['Retry-After'] = { description: 'Seconds to wait.', schema: { type: 'string' } };
  return {
    description: PROBLEM_TEXT[status] ?? 'A problem.',
    ...(Object.keys(headers).length ? { headers } : {}),
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: REF('Problem') } } },
  };
}

function operation(doc: RouteDoc): Json {
  const problems = new Set(doc.problems);
  if (doc.access !== 'public') [401, 403].forEach((s) => problems.add(s));
  if (doc.body) [400, 413, 415].forEach((s) => problems.add(s));
  const responses: Json = {};
  for (const [status, a] of Object.entries(doc.answers)) responses[status] = answer(a, `${operationId(doc)}${status}`);
  for (const status of [...problems].sort()) responses[String(status)] ??= problemAnswer(status);
  const headerParams = Object.entries(doc.headers ?? {}).map(([name, h]) => ({ name, in: 'header', required: false, description: h.description, schema: schemaOf(h.schema) }));
  return {
    operationId: operationId(doc),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    // OpenAPI 3.1 §4.8.30: for schemes other than OAuth2 and OIDC, the array may list roles.
    security: doc.access === 'public' ? [] : [{ bearerToken: [...doc.access] }],
    parameters: [...parameters('path', doc.params), ...parameters('query', doc.query), ...headerParams],
    ...(doc.body ? { requestBody: { required: true, description: doc.body.description, content: { 'application/json': { schema: refTo(doc.body.schema, `${operationId(doc)}Request`) } } } } : {}),
    responses,
  };
}

function operationId(doc: RouteDoc): string {
  const words = doc.path.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1));
  return doc.method + words.join('');
}

let cached: Json | undefined;

/** The document (built once per process: the routes do not change while it runs). */
export function openApiDocument(version = '1'): Json {
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  for (const doc of ROUTE_DOCS) {
    const item = (paths[doc.path] ??= {});
    if (item[doc.method]) throw new Error(`${doc.method.toUpperCase()} ${doc.path} is described twice`);
    item[doc.method] = operation(doc);
  }
  cached = {
    openapi: '3.1.1',
    info: {
      title: 'Evidence ledger',
      version,
      description: 'An append-only RFC 9162 Merkle log of identity-control evidence with C2SP signed checkpoints.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token issued by POST /v1/tokens (elt_<role>_...), or LEDGER_ADMIN_TOKEN. Roles: writer, auditor, admin (admin also reads as auditor).',
        },
      },
    },
  };
  return cached;
}
