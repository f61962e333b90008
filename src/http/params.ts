/**
 * Strict parsing of integer path and query parameters (indexes, tree sizes). One spelling per
 * number: no sign, no leading zeros, no exponent or hex, nothing at or above 2^53, so every
 * accepted value is an exact JavaScript number and a URL names exactly one resource.
 */
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
