/**
 * Strict parsing of path and query parameters: integers (indexes, tree sizes), times and period
 * ids, each refused with a 400 naming the parameter. For integers: One spelling per
 * number: no sign, no leading zeros, no exponent or hex, nothing at or above 2^53, so every
 * accepted value is an exact JavaScript number and a URL names exactly one resource.
 */
import { EvidenceError, PeriodError, formatTimestamp, parsePeriodId, parseRfc3339, type Period } from '../evidence/index.js';
import { badRequest } from './problem.js';

const CANONICAL_DECIMAL = /^(0|[1-9][0-9]*)$/;

export interface IndexBounds {
  /** Smallest accepted value (inclusive); default 0. */
  min?: number;
  /** Largest accepted value (inclusive); default 2^53 - 1. */
  max?: number;
}

/**
 * Parses a required integer parameter or throws a 400 problem naming it. `value` is what express
 * gives for a path or query parameter: a string, or an array when a query key is repeated.
 */
export function parseIndexParam(name: string, value: unknown, bounds: IndexBounds = {}): number {
  if (value === undefined) throw badRequest(`${name} is required.`, name);
  if (Array.isArray(value)) throw badRequest(`${name} must be given once.`, name);
  if (typeof value !== 'string' || !CANONICAL_DECIMAL.test(value)) {
    throw badRequest(`${name} must be a decimal integer without sign, leading zeros or exponent.`, name);
  }
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw badRequest(`${name} must be below 2^53.`, name);
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (number < min) throw badRequest(`${name} must be at least ${min}.`, name);
  if (number > max) throw badRequest(`${name} must be at most ${max}.`, name);
  return number;
}

/** Like {@link parseIndexParam}, but an absent parameter gives undefined (an empty one is still a 400). */
export function optionalIndexParam(name: string, value: unknown, bounds: IndexBounds = {}): number | undefined {
  return value === undefined ? undefined : parseIndexParam(name, value, bounds);
}

/**
 * An RFC 3339 time parameter, as the ledger's own timestamp text (UTC, milliseconds), or a 400
 * naming it: also when the time is real but outside the years 0000–9999 a timestamp can write
 * (`9999-12-31T23:00:00-02:00` is in the year 10000), which would otherwise fail deeper down.
 */
export function timeParam(name: string, value: unknown): string {
  const ms = typeof value === 'string' ? parseRfc3339(value) : undefined;
  if (ms === undefined) throw badRequest(`${name} must be an RFC 3339 time`, name);
  try {
    return formatTimestamp(ms);
  } catch (err) {
    if (err instanceof EvidenceError) throw badRequest(`${name} must be a time in the years 0000 to 9999 (UTC)`, name);
    throw err;
  }
}

/**
 * A period id parameter (contract, "Periods"), or a 400 naming it: malformed, or a period whose
 * end cannot be written as a timestamp (FY9999, 9999-12, 9999-Q4, 9999-12-31 end in the year
 * 10000), so every accepted period can be answered.
 */
export function periodParam(name: string, value: unknown, fiscalYearStart: number): Period {
  if (typeof value !== 'string') throw badRequest(`${name} must be given once, as one period id`, name);
  let period: Period;
  try {
    period = parsePeriodId(value, fiscalYearStart);
  } catch (err) {
    if (err instanceof PeriodError) throw badRequest(err.message, name);
    throw err;
  }
  try {
    formatTimestamp(period.end);
  } catch (err) {
    if (err instanceof EvidenceError) throw badRequest(`period ${value} ends in the year 10000, after the last time a timestamp can write`, name);
    throw err;
  }
  return period;
}
