/**
 * Checks an HTTP answer against the OpenAPI document (src/http/openapi) with Ajv's JSON Schema
 * 2020-12 validator, OpenAPI 3.1's dialect: the path and method are described, the status is
 * one the operation lists, the media type is one it lists, and a JSON body fits its schema.
 * The supertest hook (openapi-setup.ts) runs it on every answer a described app gives.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/http/openapi/document.js';

type Json = Record<string, any>;

const DOC_ID = 'urn:evidence-ledger:openapi';
const doc = openApiDocument() as Json;
const ajv = new Ajv2020({ allErrors: false, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: DOC_ID, components: { schemas: doc.components.schemas } });

const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) validators.set(ref, (v = ajv.compile({ $ref: `${DOC_ID}${ref}` })));
  return v;
}

/** The handlers (server request listeners) whose answers are checked: ledger apps, not toy ones. */
export const describedHandlers = new WeakSet<object>();

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  segments: template.split('/'),
}));

/** The path template that matches `pathname`, e.g. /v1/entries/{index} for /v1/entries/7. */
export function matchPath(pathname: string): string | undefined {
  // express routes non-strictly: /v1/entries/ is /v1/entries.
  const parts = (pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname).split('/');
  const raw = pathname.split('/');
  const hit = templates.find((t) => {
    // A last segment {rest} stands for an express wildcard (`*rest`): the rest of the path, even empty.
    if (t.segments.at(-1) === '{rest}') {
      return raw.length >= t.segments.length && t.segments.slice(0, -1).every((s, i) => (s.startsWith('{') ? raw[i] !== '' : s === raw[i]));
    }
    return t.segments.length === parts.length && t.segments.every((s, i) => (s.startsWith('{') ? parts[i] !== '' : s === parts[i]));
  });
  return hit?.template;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, when the media type is JSON. */
  body: unknown;
  text?: string | undefined;
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

/** Why `answer` breaks the document, or undefined when it fits. */
export function answerMismatch(method: string, url: string, answer: Answer): string | undefined {
  const pathname = decodeURI(new URL(url, 'http://x').pathname);
  const where = `${method} ${pathname} -> ${answer.status}`;
  const template = matchPath(pathname);
  const operation = template && (doc.paths[template][method.toLowerCase() === 'head' ? 'get' : method.toLowerCase()] as Json | undefined);
  if (!operation) {
    // Undescribed paths and methods: only the generic 404 problem is allowed.
    if (answer.status !== 404) return `${where}: ${template ? 'method' : 'path'} is not in the OpenAPI document`;
    return bodyMismatch(where, { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }, answer, method);
  }
  const response = operation.responses[String(answer.status)] as Json | undefined;
  if (!response) return `${where}: status ${answer.status} is not documented for ${method} ${template}`;
  return bodyMismatch(where, response, answer, method);
}

function bodyMismatch(where: string, response: Json, answer: Answer, method: string): string | undefined {
  const header = answer.headers['content-type'];
  const type = typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : undefined;
  const content = response.content as Json | undefined;
  if (!content) {
    if (type !== undefined && answer.text) return `${where}: documented without a body, answered ${type}`;
    return undefined;
  }
  if (type === undefined) return method.toUpperCase() === 'HEAD' ? undefined : `${where}: no Content-Type`;
  const media = content[type] as Json | undefined;
  if (!media) return `${where}: media type ${type} is not documented (documented: ${Object.keys(content).join(', ')})`;
  if (!JSON_TYPE.test(type) || method.toUpperCase() === 'HEAD') return undefined;
  const ref = media.schema?.$ref as string | undefined;
  if (!ref) return undefined;
  const validate = validatorFor(ref);
  if (validate(answer.body)) return undefined;
  const e = validate.errors?.[0];
  return `${where}: body does not fit ${ref}: ${e?.instancePath || '(root)'} ${e?.message} ${JSON.stringify(e?.params)}`;
}
