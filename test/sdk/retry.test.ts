/** The SDK's retry policy: which outcomes are retried, the jittered backoff, and Retry-After as a floor. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffPolicy, retryAfterMs, retryAlso } from '../../src/sdk/index.js';

const now = Date.parse('2026-09-14T02:00:00.000Z');
const headers = (retryAfter?: string) => new Headers(retryAfter === undefined ? {} : { 'Retry-After': retryAfter });

describe('retryAfterMs (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Mon, 14 Sep 2026 02:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 14 Sep 2026 01:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('backoffPolicy', () => {
  it('retries 429, 503 and network errors; not 4xx, 500 or success', () => {
    const policy = backoffPolicy({ random: () => 0.5 });
    for (const status of [429, 503]) expect(policy({ attempt: 1, status, headers: headers(), nowMs: now }).retry).toBe(true);
    expect(policy({ attempt: 1, error: new TypeError('fetch failed'), nowMs: now }).retry).toBe(true);
    for (const status of [200, 400, 401, 409, 413, 500]) expect(policy({ attempt: 1, status, headers: headers(), nowMs: now }).retry).toBe(false);
  });

  it('waits a jittered, exponentially growing delay, at least Retry-After, and stops after maxAttempts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.option(fc.integer({ min: 0, max: 120 })), (attempt, r, after) => {
        const policy = backoffPolicy({ baseDelayMs: 100, maxDelayMs: 5000, maxAttempts: 10, random: () => r });
        const decision = policy({ attempt, status: 503, headers: headers(after === null ? undefined : String(after)), nowMs: now });
        if (attempt >= 10) {
          expect(decision.retry).toBe(false);
          return;
        }
        if (!decision.retry) throw new Error('expected a retry');
        const floor = after === null ? 0 : after * 1000;
        const cap = Math.min(5000, 100 * 2 ** (attempt - 1));
        expect(decision.delayMs).toBeGreaterThanOrEqual(floor);
        expect(decision.delayMs).toBeLessThanOrEqual(floor + cap);
      }),
    );
  });

  it('gives up rather than wait past maxRetryAfterMs', () => {
    expect(backoffPolicy({ maxRetryAfterMs: 10_000 })({ attempt: 1, status: 503, headers: headers('11'), nowMs: now }).retry).toBe(false);
  });

  it('can be extended with another case, e.g. a non-leader answering 421', () => {
    const base = backoffPolicy({ random: () => 0 });
    const policy = retryAlso(base, (o) => (o.status === 421 ? { retry: true, delayMs: 0 } : undefined));
    expect(policy({ attempt: 1, status: 421, headers: headers(), nowMs: now })).toEqual({ retry: true, delayMs: 0 });
    expect(policy({ attempt: 1, status: 400, headers: headers(), nowMs: now }).retry).toBe(false);
  });
});
