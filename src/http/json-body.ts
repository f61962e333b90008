/**
 * Strict JSON request bodies (the contract's "Requests"; RFC 8259 JSON, RFC 3629 UTF-8), in place
 * of express.json. Evidence must mean one thing, so beyond JSON.parse this refuses what it would
 * silently accept: invalid UTF-8, a byte order mark, escaped lone surrogates, duplicate object
 * keys (JSON.parse keeps the last), numbers beyond a double's range, and very deep nesting.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { BodyBudget } from './body-budget.js';
import { numberChangeProblem } from './json-number.js';
import { badRequest, payloadTooLarge, unsupportedMediaType, type HttpProblem } from './problem.js';

/** The contract's request limit: 1 MiB. */
export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024;
/** Far deeper than any record (details may nest 8 levels), shallow enough for recursive code. */
export const DEFAULT_JSON_MAX_DEPTH = 32;

export interface JsonBodyOptions {
  limit?: number;
  maxDepth?: number;
  /** false: only read and keep the bytes (`req.rawBody`); the route parses them elsewhere (prepare-pool.ts). */
  parse?: boolean;
  /** Bytes in flight across requests (body-budget.ts); the body is refused with 503 past it. */
  budget?: BodyBudget;
}

declare global {
  namespace Express {
    interface Request {
      /** The body's exact bytes, as received (set by {@link jsonBody}); e.g. for idempotency hashes. */
      rawBody?: Uint8Array;
    }
  }
}

/**
 * Parses an `application/json` body into `req.body` and keeps its bytes in `req.rawBody`.
 * A request without a body passes with `req.body` undefined; the route decides if it needs one.
 */
export function jsonBody(options: JsonBodyOptions = {}): RequestHandler {
  const limit = options.limit ?? DEFAULT_JSON_LIMIT_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_JSON_MAX_DEPTH;
  const parse = options.parse ?? true;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return (req, res, next) => {
    req.body = undefined;
    req.rawBody = undefined;
    const busy = options.budget?.admit(req, res);
    if (busy) return next(busy);
    readJsonBody(req, limit).then(
      (raw) => {
        try {
          req.rawBody = raw;
          if (parse && raw !== undefined) req.body = parseStrictJson(raw, maxDepth);
          next();
        } catch (error) {
          next(error);
        }
      },
      (problem: unknown) => next(problem),
    );
  };
}

/**
 * The bytes of an `application/json` body (undefined when the request has none), read with the
 * checks above; rejects with a 415, 413 or 400 problem. Used by {@link jsonBody} and by the
 * append fast path (fast-append.ts), which runs before express.
 */
export function readJsonBody(req: IncomingMessage, limit = DEFAULT_JSON_LIMIT_BYTES): Promise<Uint8Array | undefined> {
  if (!hasBody(req.headers)) return Promise.resolve(undefined);
  const typeProblem = checkContentType(req.headers['content-type'], req.headers['content-encoding']);
  if (typeProblem) return Promise.reject(typeProblem);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(tooLarge(limit));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (problem?: HttpProblem) => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', onCutOff).off('close', onCutOff);
      if (problem) {
        req.resume(); // discard the rest; node keeps the connection usable
        return reject(problem);
      }
      resolve(new Uint8Array(Buffer.concat(chunks, received)));
    };
    // Count as bytes arrive and stop keeping them past the limit (chunked bodies declare no length).
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    // An error or a 'close' before 'end': the client went away mid-body.
    const onCutOff = () => finish(badRequest('The request body was cut off.'));
    req.on('data', onData).on('end', onEnd).on('error', onCutOff).on('close', onCutOff);
  });
}

/** Decodes and parses body bytes with the checks above; throws a 400 problem on any of them. */
export function parseStrictJson(raw: Uint8Array, maxDepth = DEFAULT_JSON_MAX_DEPTH): unknown {
  let text: string;
  try {
    // ignoreBOM keeps a BOM in the text, so it is refused below rather than silently dropped.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw badRequest('The request body is not valid UTF-8.');
  }
  const failure = scanJson(text, maxDepth);
  if (failure) throw badRequest(`The request body is not acceptable JSON: ${failure.message}.`, failure.field);
  return JSON.parse(text);
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** RFC 8259 §11: application/json has no charset parameter, but a `charset=utf-8` one is harmless. */
function checkContentType(contentType: string | undefined, encoding: string | undefined): HttpProblem | undefined {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') {
    return unsupportedMediaType('The request body must be application/json.');
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim().toLowerCase());
    if (name === 'charset' && value.replace(/^"(.*)"$/, '$1') !== 'utf-8') {
      return unsupportedMediaType('The request body must be UTF-8 (charset=utf-8 or none).');
    }
  }
  // RFC 7694 §3: a content coding the server does not support is a 415 too.
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return unsupportedMediaType('Compressed request bodies are not accepted.');
  }
  return undefined;
}

function tooLarge(limit: number): HttpProblem {
  return payloadTooLarge(`The request body exceeds ${limit} bytes.`);
}

// ---------------------------------------------------------------------------------------------
// A validating scan of the RFC 8259 grammar that builds no values: it finds what JSON.parse cannot
// report (duplicate keys, lone surrogates, depth) and gives every syntax error a position and
// wording that do not change with the V8 version. JSON.parse then builds the value.

export type JsonScanCode = 'MALFORMED_JSON' | 'BYTE_ORDER_MARK' | 'DUPLICATE_KEY' | 'LONE_SURROGATE' | 'NUMBER_OUT_OF_RANGE' | 'NUMBER_NOT_EXACT' | 'TOO_DEEP';

export interface JsonScanFailure {
  code: JsonScanCode;
  /** Says what and where (`position` in UTF-16 code units of the decoded text). */
  message: string;
  position: number;
  /** Dotted path to the offending member, when the problem is about one. */
  field: string | undefined;
}

interface ObjectFrame { keys: Set<string>; key: string | undefined }
interface ArrayFrame { index: number }
type Frame = ObjectFrame | ArrayFrame;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y; // RFC 8259 §6
const SIMPLE_ESCAPES = '"\\/bfnrt'; // RFC 8259 §7, besides \uXXXX
const HEX4 = /^[0-9a-fA-F]{4}$/;
// With the u flag a paired surrogate is one code point, so only unpaired ones match.
const LONE_SURROGATE = /\p{Cs}/u;
const LITERALS = ['true', 'false', 'null'] as const;

/** Scans `text` as one JSON value; undefined when it is acceptable. */
export function scanJson(text: string, maxDepth = DEFAULT_JSON_MAX_DEPTH): JsonScanFailure | undefined {
  const stack: Frame[] = [];
  let at = 0;
  const fail = (code: JsonScanCode, what: string, position = at): JsonScanFailure => {
    const field = code === 'MALFORMED_JSON' ? undefined : fieldPathTo(stack);
    return { code, message: `${what} at position ${position}`, position, field };
  };
  const unexpected = (expected: string) =>
    fail('MALFORMED_JSON', at >= text.length ? `unexpected end of input, expected ${expected}` : `expected ${expected}`);
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  // Reads the string whose opening quote is at `at`; returns its value or a failure.
  const readString = (): string | JsonScanFailure => {
    const start = at++;
    let escaped = false;
    for (;;) {
      if (at >= text.length) return fail('MALFORMED_JSON', 'unterminated string', start);
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) return fail('MALFORMED_JSON', 'unescaped control character in a string');
      if (c !== 0x5c) {
        at++;
        continue;
      }
      escaped = true;
      const e = text[at + 1] ?? '';
      if (e === 'u' && HEX4.test(text.slice(at + 2, at + 6))) at += 6;
      else if (e !== '' && e !== 'u' && SIMPLE_ESCAPES.includes(e)) at += 2;
      else return fail('MALFORMED_JSON', 'invalid escape in a string');
    }
    at++;
    const value = escaped ? (JSON.parse(text.slice(start, at)) as string) : text.slice(start + 1, at - 1);
    return LONE_SURROGATE.test(value) ? fail('LONE_SURROGATE', 'a string contains a lone surrogate', start) : value;
  };

  if (text.charCodeAt(0) === 0xfeff) return fail('BYTE_ORDER_MARK', 'a byte order mark is not allowed');
  let expect: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipSpace();
    const c = text[at];
    const top = stack.at(-1);
    if (expect === 'key') {
      const object = top as ObjectFrame;
      object.key = undefined;
      if (c !== '"') return unexpected('a double-quoted key');
      const keyStart = at;
      const key = readString();
      if (typeof key !== 'string') return key;
      object.key = key;
      if (object.keys.has(key)) return fail('DUPLICATE_KEY', `duplicate key ${JSON.stringify(key)}`, keyStart);
      object.keys.add(key);
      skipSpace();
      if (text[at] !== ':') return unexpected("':' after a key");
      at++;
      expect = 'value';
    } else if (expect === 'value') {
      expect = 'after';
      if (c === '{' || c === '[') {
        if (stack.length >= maxDepth) return fail('TOO_DEEP', `nested deeper than ${maxDepth} levels`);
        at++;
        stack.push(c === '{' ? { keys: new Set(), key: undefined } : { index: 0 });
        skipSpace();
        if (text[at] === (c === '{' ? '}' : ']')) {
          at++;
          stack.pop();
        } else expect = c === '{' ? 'key' : 'value';
      } else if (c === '"') {
        const value = readString();
        if (typeof value !== 'string') return value;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        NUMBER.lastIndex = at;
        const match = NUMBER.exec(text);
        if (!match) return fail('MALFORMED_JSON', 'invalid number');
        // Beyond a double's range JSON.parse answers Infinity, which is not what was sent; and a
        // number the stored (canonical) form would write differently is refused too (json-number.ts).
        if (!Number.isFinite(Number(match[0]))) return fail('NUMBER_OUT_OF_RANGE', 'a number is out of range');
        const changed = numberChangeProblem(match[0]);
        if (changed) return fail('NUMBER_NOT_EXACT', `the number ${match[0].slice(0, 40)} ${changed}`);
        at = NUMBER.lastIndex;
      } else {
        const literal = LITERALS.find((word) => text.startsWith(word, at));
        if (!literal) return unexpected('a JSON value');
        at += literal.length;
      }
    } else if (!top) {
      return at === text.length ? undefined : fail('MALFORMED_JSON', 'unexpected data after the JSON value');
    } else {
      const isArray = 'index' in top;
      if (c === ',') {
        at++;
        if (isArray) top.index++;
        expect = isArray ? 'value' : 'key';
      } else if (c === (isArray ? ']' : '}')) {
        at++;
        stack.pop();
      } else return unexpected(isArray ? "',' or ']'" : "',' or '}'");
    }
  }
}

/** The dotted field path (`records.1.actor.id`) that record validation errors also use. */
function fieldPathTo(stack: readonly Frame[]): string | undefined {
  const tokens: string[] = [];
  for (const frame of stack) {
    const token = 'index' in frame ? String(frame.index) : frame.key;
    if (token === undefined) break;
    tokens.push(token);
  }
  return tokens.length ? tokens.join('.') : undefined;
}
