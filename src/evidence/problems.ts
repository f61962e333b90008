/**
 * Turns zod issues into `FieldProblem`s with messages written for the person fixing the
 * posting system. We write our own sentences instead of zod's defaults so they stay stable
 * across zod releases and name the field first: `actor.kind: expected one of human, ...`.
 */
import type { z } from 'zod';
import type { FieldProblem } from './errors.js';

type Issue = z.core.$ZodIssue;

/** A dotted field path; `''` stands for the whole value. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** `field: sentence`, with `record` standing in for the whole body. */
export function problem(field: string, sentence: string, wholeValue = 'record'): FieldProblem {
  return { field, message: `${field === '' ? wholeValue : field}: ${sentence}` };
}

/** One or more problems per issue (an unknown-members issue names each member). `input` must be reported. */
export function problemsFromIssues(issues: readonly Issue[], wholeValue = 'record'): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const hint = issue.path.length === 0 ? '; anything extra belongs in details' : '';
      for (const key of issue.keys) out.push(problem(fieldPath([...issue.path, key]), `unknown field${hint}`, wholeValue));
      continue;
    }
    out.push(problem(fieldPath(issue.path), sentenceFor(issue), wholeValue));
  }
  return out;
}

function sentenceFor(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return issue.input === undefined ? `is required; ${expectedValues(issue.values)}` : expectedValues(issue.values);
    case 'invalid_union': {
      if (issue.discriminator === undefined) return 'matches none of the allowed shapes';
      const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
      const choices = expectedValues('options' in issue ? (issue.options ?? []) : []);
      return given === undefined ? `is required; ${choices}` : choices;
    }
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      }
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      if (issue.format === 'datetime') {
        return 'expected an RFC 3339 date-time with Z or an offset, such as 2026-09-14T02:00:00Z';
      }
      if (issue.format === 'regex' && issue.pattern !== undefined) return `expected text matching ${issue.pattern}`;
      return `expected ${issue.format}`;
    default:
      return issue.message;
  }
}

function expectedValues(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length === 1 ? `expected ${shown[0]}` : `expected one of ${shown.join(', ')}`;
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'a JSON object';
  if (expected === 'array') return 'an array';
  if (expected === 'int') return 'an integer';
  return `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}
