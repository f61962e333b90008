/**
 * POST /v1/entries and POST /v1/entries/batch served straight from node:http, in front of
 * express. Measured here, express 5 spends about 70 µs of CPU per request before and after a
 * handler (85 µs for a do-nothing app against 14 for node:http doing the same), more than the
 * ledger's own work on a record; appends are the one path where that matters. Everything else,
 * including any other spelling of these paths, still goes to express, and the answers are the
 * same: the same token check, body reading, request log line and problem documents
 * (auth.ts, json-body.ts, request-log.ts, problem.ts), and the same append (append.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ledger } from '../ledger/ledger.js';
import type { Metrics } from '../metrics/metrics.js';
import { answerAppend } from './append.js';
import { roleProblem, type Authentication } from './auth.js';
import { readJsonBody } from './json-body.js';
import type { BodyKind } from './prepare-body.js';
import type { BodyPreparer } from './prepare-pool.js';
import type { BodyBudget } from './body-budget.js';
import { HttpProblem, problemAnswer, type ProblemMapper } from './problem.js';
import { queryProblem, rawQuery } from './query.js';
import { RESPONSE_HEADERS, requestHygieneProblem } from './request-hygiene.js';
import { REQUEST_ID_HEADER, logProblem, logWhenDone, requestIdFor, type Logger } from './request-log.js';

export interface FastAppendDeps {
  ledger: Ledger;
  preparer: BodyPreparer;
  /** Shared with the express routes (body-budget.ts); none: no cap. */
  bodyBudget?: BodyBudget;
  logger: Logger;
  principalOf: (authorization: string | undefined) => Authentication | Promise<Authentication>;
  mappers: readonly ProblemMapper[];
  metrics?: Metrics | undefined;
}

/** Appends take no query parameters (query.ts: the same rule as every express route). */
const NO_PARAMS: ReadonlySet<string> = new Set();

const PATHS: ReadonlyMap<string, BodyKind> = new Map([
  ['/v1/entries', 'entry'],
  ['/v1/entries/batch', 'batch'],
]);

/** Serves the request and returns true when it is an append; returns false, touching nothing, otherwise. */
export function fastAppend(deps: FastAppendDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const kind = PATHS.get(path);
    if (kind === undefined) return false;
    // serve answers every error itself; should even that fail, the connection is cut, never the process.
    serve(deps, req, res, kind, path).catch((err: unknown) => {
      deps.logger.error({ err, path }, 'answering an append failed');
      res.destroy();
    });
    return true;
  };
}

async function serve(deps: FastAppendDeps, req: IncomingMessage, res: ServerResponse, kind: BodyKind, path: string): Promise<void> {
  const id = requestIdFor(single(req.headers['x-request-id']));
  res.setHeader(REQUEST_ID_HEADER, id);
  logWhenDone(deps.logger, req, res, id, req.url);
  try {
    const refused = requestHygieneProblem(req);
    if (refused) throw refused;
    let auth = deps.principalOf(req.headers.authorization);
    // Only a workload JWT is asynchronous: a static token costs no extra turn.
    if (auth instanceof Promise) auth = await auth;
    const principal = auth instanceof HttpProblem ? undefined : auth;
    const denied = roleProblem(principal, ['writer'], auth instanceof HttpProblem ? auth : undefined);
    if (denied) throw denied;
    const badQuery = queryProblem(rawQuery(req.url ?? ''), NO_PARAMS);
    if (badQuery) throw badQuery;
    const busy = deps.bodyBudget?.admit(req, res);
    if (busy) throw busy;
    const raw = await readJsonBody(req);
    const answer = await answerAppend(deps.ledger, deps.preparer, principal!.source, raw, kind, single(req.headers['idempotency-key']), single(req.headers['evidence-signature']), deps.metrics);
    send(res, answer.status, { 'Content-Type': 'application/json; charset=utf-8' }, answer.json);
  } catch (error) {
    const answer = problemAnswer(error, deps.mappers, path);
    logProblem(deps.logger, res, id, error, answer.problem, answer.expected);
    if (res.headersSent) res.destroy();
    else send(res, answer.problem.status, answer.headers, answer.body);
  }
}

/** With its length, as express's res.send does: no chunked framing, and HTTP/1.0 keep-alive still works. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...RESPONSE_HEADERS, ...headers, 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
}

/** A header express would read with req.get: node joins repeats of most headers already. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
