/**
 * Checks every request gets before any route sees it, on both paths in front of the ledger (the
 * express app and the append fast path): headers that would otherwise be read one way by us and
 * another way by a proxy in front of us, and the headers every answer carries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpProblem, badRequest } from './problem.js';

/**
 * Sent with every answer. `nosniff`: a browser never reads a JSON or text answer as HTML or
 * script. `no-store`: answers carry evidence and proofs that no shared cache should keep; a
 * route whose answer may be cached (a signed checkpoint never changes) sets its own value.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
});

/** Why the request is refused before routing, or undefined when it may go on. */
export function requestHygieneProblem(req: IncomingMessage): HttpProblem | undefined {
  // Node keeps only the first of repeated Authorization headers; a proxy may keep the last.
  const authorization = req.headersDistinct['authorization'];
  if (authorization !== undefined && authorization.length > 1) {
    return badRequest('Send one Authorization header, not several.', 'Authorization');
  }
  // RFC 9112 §6.1: the only transfer coding we implement is chunked; a body sent with another
  // coding (`gzip, chunked`) would be taken as plain bytes. 501 is the RFC's answer to it.
  const te = req.headers['transfer-encoding'];
  if (te !== undefined && te.trim().toLowerCase() !== 'chunked') {
    return new HttpProblem(501, 'Transfer-Encoding other than chunked is not supported; send the body plain.', { field: 'Transfer-Encoding' });
  }
  return undefined;
}

/** Sets {@link RESPONSE_HEADERS} on `res`. */
export function setResponseHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(RESPONSE_HEADERS)) res.setHeader(name, value);
}

/** The express side: the answer headers, then the checks above (a refusal goes to the problem handler). */
export function requestHygiene(): RequestHandler {
  return (req, res, next) => {
    setResponseHeaders(res);
    next(requestHygieneProblem(req));
  };
}
