/**
 * Structured logs (pino, one JSON object a line) and a request logger: each request gets an id,
 * echoed in `X-Request-Id` and carried by `req.log`, and exactly one line when it ends.
 * Headers and bodies are never logged: they carry bearer tokens and evidence.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { loggablePath } from './log-path.js';
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };
export type LogLevel = LevelWithSilent;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A client-chosen id is echoed only if it is short and made of URL-safe punctuation, so it cannot
 * forge log lines or smuggle anything into a response header.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}$/;

/** Belt and braces: should anyone log a header set or a token field, pino masks it. */
const REDACTED_PATHS = ['authorization', 'token', '*.authorization', '*.token', 'headers.authorization', '*.headers.authorization'];

declare global {
  namespace Express {
    interface Request {
      /** The request id (set by {@link requestLog}, which the app mounts first). */
      id: string;
      /** A child logger bound to the request id (set by {@link requestLog}). */
      log: Logger;
    }
  }
}

/** The service's logger; `destination` lets tests capture lines (default: stdout). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFor(req.get(REQUEST_ID_HEADER));
    req.id = id;
    // Most requests never log anything of their own: the child logger is made on first use.
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { get: () => (child ??= logger.child({ reqId: id })), configurable: true });
    res.setHeader(REQUEST_ID_HEADER, id);
    logWhenDone(logger, req, res, id, req.originalUrl);
    next();
  };
}

/** The client's request id when it is sane, else a new one. */
export function requestIdFor(offered: string | undefined): string {
  return offered !== undefined && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** Writes the request's one line when it ends: complete ('finish' came before 'close') or cut off. */
export function logWhenDone(logger: Logger, req: IncomingMessage, res: ServerResponse, id: string, path: string | undefined): void {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const aborted = !res.writableFinished;
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3;
    const noted = problems.get(res);
    const line = { reqId: id, method: req.method, path: loggablePath(path), status: res.statusCode, durationMs, aborted, ...(noted ? { problem: noted.type } : {}) };
    logger[requestLineLevel(res.statusCode, noted)](line, 'request');
  });
}

/**
 * Problem types that are the ledger shedding load as designed (the client retries after
 * `Retry-After`): logged as information, not as failures, so a flood does not bury real errors.
 */
export const BACK_PRESSURE_TYPES: ReadonlySet<string> = new Set([
  'urn:evidence-ledger:problem:queue-full',
  'urn:evidence-ledger:problem:busy',
  'urn:evidence-ledger:problem:closed',
  'urn:evidence-ledger:problem:not-leader',
]);

interface NotedProblem { type: string; expected: boolean }
const problems = new WeakMap<ServerResponse, NotedProblem>();

/**
 * Logs a 5xx problem answer once, at its level (an unexpected error with its stack; an expected
 * fault such as a full disk as a warning without one; back-pressure not at all, its request line
 * says it), and notes it for the request line. Both the problem handler and the fast path call it.
 */
export function logProblem(logger: Logger | undefined, res: ServerResponse, reqId: string, error: unknown, problem: { status: number; type: string; detail: string }, expected: boolean): void {
  problems.set(res, { type: problem.type, expected });
  if (problem.status < 500) return;
  if (!logger) {
    if (!expected || !BACK_PRESSURE_TYPES.has(problem.type)) console.error('request failed', { err: error, reqId, status: problem.status });
  } else if (!expected) logger.error({ err: error, reqId, status: problem.status }, 'request failed');
  else if (!BACK_PRESSURE_TYPES.has(problem.type)) logger.warn({ reqId, status: problem.status, problem: problem.type, detail: problem.detail }, 'request failed');
}

function requestLineLevel(status: number, noted: NotedProblem | undefined): 'info' | 'warn' | 'error' {
  if (status < 500) return 'info';
  if (!noted || !noted.expected) return 'error';
  return BACK_PRESSURE_TYPES.has(noted.type) ? 'info' : 'warn';
}
