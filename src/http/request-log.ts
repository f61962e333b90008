/**
 * Structured logs (pino, one JSON object a line) and a request logger: each request gets an id,
 * echoed in `X-Request-Id` and carried by `req.log`, and exactly one line when it ends.
 * Headers and bodies are never logged: they carry bearer tokens and evidence.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
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
    const line = { reqId: id, method: req.method, path, status: res.statusCode, durationMs, aborted };
    if (res.statusCode >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  });
}
