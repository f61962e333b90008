/**
 * A cap on the request-body bytes the process holds at once. The sequencer's queue caps records
 * once they are prepared, but a body being read, parsed and validated is held before that: 300
 * clients sending 1 MiB each would otherwise hold 300 MiB of bytes and several times that as
 * parsed values. Each request with a body reserves its declared length (or the whole per-request
 * limit when chunked) before a byte is read, and gives it back when its answer has gone; past the
 * cap it is answered 503 with Retry-After, without reading the body into memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_BYTES_IN_FLIGHT } from '../config.js';
import { DEFAULT_JSON_LIMIT_BYTES } from './json-body.js';
import { HttpProblem } from './problem.js';

/** Problem type of the refusal (request-log.ts counts it as back-pressure, not as a failure). */
export const BUSY_PROBLEM_TYPE = 'urn:evidence-ledger:problem:busy';

export class BodyBudget {
  private used = 0;

  constructor(readonly capBytes = DEFAULT_BODY_BYTES_IN_FLIGHT, private readonly perRequestLimit = DEFAULT_JSON_LIMIT_BYTES) {
    if (!Number.isSafeInteger(capBytes) || capBytes < 1) throw new RangeError(`capBytes must be a positive integer, got ${capBytes}`);
  }

  /** Bytes reserved now (for tests and /readyz-style reporting). */
  get inFlight(): number {
    return this.used;
  }

  /**
   * Reserves room for `req`'s body until `res` closes, or returns the 503 to answer. A request
   * without a body reserves nothing; one declaring more than the per-request limit reserves
   * nothing either (it is refused with 413 before its body is read).
   */
  admit(req: IncomingMessage, res: ServerResponse): HttpProblem | undefined {
    const bytes = this.reservationFor(req);
    if (bytes === 0) return undefined;
    // One request alone is always admitted, so a cap below the per-request limit cannot lock out all.
    if (this.used > 0 && this.used + bytes > this.capBytes) {
      return new HttpProblem(503, 'The ledger is reading as many request bodies as it holds at once; retry shortly.', {
        headers: { 'Retry-After': '1' },
        type: BUSY_PROBLEM_TYPE,
      });
    }
    this.used += bytes;
    res.once('close', () => {
      this.used -= bytes;
    });
    return undefined;
  }

  private reservationFor(req: IncomingMessage): number {
    const te = req.headers['transfer-encoding'];
    if (te !== undefined) return this.perRequestLimit;
    const length = Number(req.headers['content-length'] ?? '0');
    if (!Number.isFinite(length) || length <= 0 || length > this.perRequestLimit) return 0;
    return length;
  }
}
