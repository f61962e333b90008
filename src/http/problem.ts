/**
 * RFC 9457 problem details: the one place where errors become HTTP answers.
 * Routes throw (or pass to `next`) an {@link HttpProblem}; domain modules throw their own typed
 * errors, which a registered {@link ProblemMapper} translates, so this file imports none of them.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { logProblem } from './request-log.js'; // also Request.id and Request.log

/** RFC 9457 §4.2.1: "about:blank" means the problem has no meaning beyond its status code. */
export const DEFAULT_PROBLEM_TYPE = 'about:blank';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What an internal failure tells the client: nothing about the internals. */
const INTERNAL_ERROR_DETAIL = 'The server could not complete the request; the error was logged.';

/** Extension members a problem may carry (RFC 9457 §3.2). */
export interface ProblemMembers {
  /** NOT_LEADER: the URL of the instance that takes writes now. */
  leader?: string;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemOptions {
  /** The request field the problem is about (a parameter name, or a path into the JSON body). */
  field?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** A URI naming the problem type (RFC 9457 §3.1.1); defaults to about:blank. */
  type?: string;
  /** Extension members (RFC 9457 §3.2), e.g. `leader`; they never replace a standard member. */
  members?: ProblemMembers;
  cause?: unknown;
}

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly title: string;
  readonly type: string;
  readonly field: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly members: ProblemMembers | undefined;

  constructor(
    readonly status: number,
    readonly detail: string,
    options: ProblemOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`a problem needs a 4xx or 5xx status, got ${status}`);
    }
    this.title = statusTitle(status);
    this.type = options.type ?? DEFAULT_PROBLEM_TYPE;
    this.field = options.field;
    this.errors = options.errors;
    this.headers = options.headers;
    this.members = options.members;
  }
}

export const badRequest = (detail: string, field?: string, errors?: FieldError[]) =>
  new HttpProblem(400, detail, { field, errors });

/** RFC 6750 §3: a 401 names the scheme the client should use. */
export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new HttpProblem(401, detail, { headers: { 'WWW-Authenticate': 'Bearer realm="evidence-ledger"' } });

export const forbidden = (detail = 'This token’s role may not do that.') => new HttpProblem(403, detail);
export const notFound = (detail: string) => new HttpProblem(404, detail);
export const conflict = (detail: string, field?: string) => new HttpProblem(409, detail, { field });
export const payloadTooLarge = (detail: string) => new HttpProblem(413, detail);
export const unsupportedMediaType = (detail: string) => new HttpProblem(415, detail);

/** RFC 9110 §10.2.3: Retry-After in whole seconds tells a well-behaved client when to come back. */
export const serviceUnavailable = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(503, detail, { headers: { 'Retry-After': String(Math.max(0, Math.ceil(retryAfterSeconds))) } });

/** Turns a domain error into a problem, or returns undefined when it does not recognise it. */
export type ProblemMapper = (error: unknown) => HttpProblem | undefined;

const registeredMappers: ProblemMapper[] = [];

/** Adds a mapper used by {@link problemHandler}; returns a function that removes it again. */
export function registerProblemMapper(mapper: ProblemMapper): () => void {
  registeredMappers.push(mapper);
  return () => {
    const at = registeredMappers.indexOf(mapper);
    if (at >= 0) registeredMappers.splice(at, 1);
  };
}

/** The body of an `application/problem+json` answer (RFC 9457 §3). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  field?: string;
  errors?: FieldError[];
  leader?: string;
}

/**
 * Builds the error middleware. Mappers are consulted in order (the given list, or the live list
 * filled by {@link registerProblemMapper}); the first that answers wins.
 */
export function createProblemHandler(mappers: readonly ProblemMapper[] = registeredMappers): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Headers already gone: only express's default handler can still abort the connection.
    if (res.headersSent) return next(error);
    const answer = problemAnswer(error, mappers, req.originalUrl.split('?')[0] ?? req.path);
    logProblem(req.log, res, req.id, error, answer.problem, answer.expected);
    res.status(answer.problem.status).set(answer.headers).send(answer.body);
  };
}

export interface ProblemAnswer {
  problem: HttpProblem;
  /** the code meant this answer (a problem or a mapped domain error), so it is no bug */
  expected: boolean;
  headers: Record<string, string>;
  /** the JSON text of the ProblemBody */
  body: string;
}

/** The answer for `error` at the path `instance`, for the error middleware and the append fast path. */
export function problemAnswer(error: unknown, mappers: readonly ProblemMapper[] = registeredMappers, instance: string): ProblemAnswer {
  const { problem, expected } = toProblem(error, mappers);
  const body: ProblemBody = { type: problem.type, title: problem.title, status: problem.status, detail: problem.detail, instance: uriPath(instance) };
  if (problem.field !== undefined) body.field = problem.field;
  if (problem.errors !== undefined) body.errors = problem.errors;
  if (problem.members?.leader !== undefined) body.leader = problem.members.leader;
  // The charset express's res.send adds to text: written here, both paths answer the same header.
  const headers = { ...problem.headers, 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` };
  return { problem, expected, headers, body: JSON.stringify(body) };
}

/** The error middleware, using the registered mappers. Mount it last. */
export const problemHandler: ErrorRequestHandler = createProblemHandler();

/** For requests no route matched; mount it after the routes, before {@link problemHandler}. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  // The path is not repeated in the detail: it is the client's text, and `instance` carries it encoded.
  next(notFound(`There is no resource for ${req.method} at this path.`));
};

/** `expected`: the code meant this answer (a problem or a mapped domain error), so it is no bug. */
function toProblem(error: unknown, mappers: readonly ProblemMapper[]): { problem: HttpProblem; expected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, expected: true };
  for (const map of mappers) {
    const mapped = map(error);
    if (mapped) return { problem: mapped, expected: true };
  }
  const problem = fromHttpErrorShape(error) ?? new HttpProblem(500, INTERNAL_ERROR_DETAIL, { cause: error });
  return { problem, expected: false };
}

/**
 * Errors from express and its dependencies follow the `http-errors` convention: a numeric
 * `status` (or `statusCode`) and `expose`, which is true when the message is meant for clients.
 */
function fromHttpErrorShape(error: unknown): HttpProblem | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode, expose, message } = error as Record<string, unknown>;
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return undefined;
  const detail = code < 500 && expose === true && typeof message === 'string' && message !== ''
    ? message
    : code < 500 ? statusTitle(code) : INTERNAL_ERROR_DETAIL;
  return new HttpProblem(code, detail, { cause: error });
}

/**
 * `instance` is a URI reference (RFC 9457 §3.1.5) built from the client's request target: keep
 * only RFC 3986 path characters, percent-encoding the rest, so no markup or quote ever comes back
 * as sent; bounded, as a request target may be long.
 */
function uriPath(path: string): string {
  const kept = path.length > 512 ? path.slice(0, 512) : path;
  return kept.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? `HTTP ${status}`;
}
