/**
 * When to try a request again, and after how long. A policy is one function of what happened
 * (a status and its headers, or a network error), so a caller can add cases without touching
 * the client: for example a non-leader instance answering 421 or 307 for appends (issue 16),
 * by wrapping {@link backoffPolicy} with {@link retryAlso}. The client reuses the same body and
 * Idempotency-Key on every attempt, so a retried append is never appended twice.
 */

export interface AttemptOutcome {
  /** Attempts made so far, 1 after the first. */
  attempt: number;
  /** The answer's status; undefined after a network error or a timeout. */
  status?: number;
  headers?: Headers;
  /** The network error or timeout, when there was no answer. */
  error?: unknown;
  /** Milliseconds since the epoch (for Retry-After dates). */
  nowMs: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export type RetryPolicy = (outcome: AttemptOutcome) => RetryDecision;

export interface BackoffOptions {
  /** Attempts in all, the first included (default 8). */
  maxAttempts?: number;
  /** The first delay's ceiling; doubled per attempt (default 250 ms). */
  baseDelayMs?: number;
  /** No computed delay exceeds this (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After further than this gives up instead of waiting (default 5 min). */
  maxRetryAfterMs?: number;
  /** Statuses worth another attempt (default 429 and 503: back-pressure, storage, restarts). */
  retryStatuses?: readonly number[];
  /** [0, 1) source for the jitter; injectable for tests. */
  random?: () => number;
}

export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 503];

/**
 * Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS Architecture
 * Blog, 2015): a delay drawn from [0, min(max, base * 2^(attempt-1))). A Retry-After (RFC 9110
 * §10.2.3, seconds or an HTTP date) is a floor: the client waits at least that long, plus jitter.
 */
export function backoffPolicy(options: BackoffOptions = {}): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 300_000;
  const statuses = new Set(options.retryStatuses ?? DEFAULT_RETRY_STATUSES);
  const random = options.random ?? Math.random;
  return (o) => {
    if (o.attempt >= maxAttempts) return { retry: false };
    const retryable = o.status === undefined ? o.error !== undefined : statuses.has(o.status);
    if (!retryable) return { retry: false };
    const jitter = random() * Math.min(max, base * 2 ** (o.attempt - 1));
    const floor = retryAfterMs(o.headers?.get('Retry-After') ?? null, o.nowMs);
    if (floor !== undefined && floor > maxRetryAfter) return { retry: false };
    return { retry: true, delayMs: Math.round((floor ?? 0) + jitter) };
  };
}

/** `policy`, plus another reason to retry (tried first): e.g. a status only some deployments answer. */
export function retryAlso(policy: RetryPolicy, extra: (o: AttemptOutcome) => RetryDecision | undefined): RetryPolicy {
  return (o) => extra(o) ?? policy(o);
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form (IMF-fixdate and the two obsolete ones) starts with a day name.
  if (!/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
