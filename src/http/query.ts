/**
 * The one rule for query parameters, on every endpoint: a parameter the endpoint does not know
 * is a 400 naming it (a misspelt filter must not silently widen a listing or a bundle), and a
 * known one given twice is a 400 too. Routes declare theirs with {@link onlyQuery}.
 */
import type { RequestHandler } from 'express';
import { badRequest } from './problem.js';

/** The first problem with `query` for an endpoint that knows `known`, or undefined. */
export function queryProblem(query: Record<string, unknown>, known: ReadonlySet<string>) {
  for (const [name, value] of Object.entries(query)) {
    if (!known.has(name)) return badRequest(`unknown query parameter ${name}`, name);
    if (Array.isArray(value)) return badRequest(`${name} must be given once`, name);
  }
  return undefined;
}

/**
 * Middleware admitting only the query parameters `names` (none when called without any). Named
 * `onlyQuery` so a test can check that every route of the app declares its parameters.
 */
export function onlyQuery(...names: string[]): RequestHandler {
  const known = new Set(names);
  return function onlyQuery(req, _res, next) {
    next(queryProblem(req.query as Record<string, unknown>, known));
  };
}

/** For paths served outside express (the append fast path): the parameters of a raw URL's query string. */
export function rawQuery(url: string): Record<string, string | string[]> {
  const at = url.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (at < 0) return out;
  for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}
