import { describe, expect, it } from 'vitest';
import { optionalIndexParam, parseIndexParam } from '../../src/http/params.js';
import { HttpProblem } from '../../src/http/problem.js';

function rejection(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return error as HttpProblem;
  }
  throw new Error('expected a problem');
}

describe('integer parameters', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['10', 10],
    ['9007199254740991', 9007199254740991], // 2^53 - 1
  ])('accepts %j', (text, value) => {
    expect(parseIndexParam('index', text)).toBe(value);
  });

  it.each(['-1', '01', '00', '1e3', '0x10', '+1', ' 1', '1 ', '1.0', '1.', '', 'one', '١', '9007199254740992', '99999999999999999999999'])(
    'rejects %j with a 400 naming the parameter',
    (text) => {
      const problem = rejection(() => parseIndexParam('treeSize', text));
      expect(problem.status).toBe(400);
      expect(problem.field).toBe('treeSize');
      expect(problem.detail).toContain('treeSize');
    },
  );

  it('rejects a repeated query parameter', () => {
    expect(rejection(() => parseIndexParam('index', ['1', '2'])).detail).toMatch(/once/);
  });

  it('rejects a missing required parameter', () => {
    expect(rejection(() => parseIndexParam('from', undefined)).field).toBe('from');
  });

  it('applies inclusive bounds', () => {
    expect(parseIndexParam('n', '1', { min: 1, max: 5 })).toBe(1);
    expect(parseIndexParam('n', '5', { min: 1, max: 5 })).toBe(5);
    expect(rejection(() => parseIndexParam('n', '0', { min: 1 })).detail).toMatch(/at least 1/);
    expect(rejection(() => parseIndexParam('n', '6', { max: 5 })).detail).toMatch(/at most 5/);
  });

  describe('optional variant', () => {
    it('gives undefined when absent', () => {
      expect(optionalIndexParam('treeSize', undefined)).toBeUndefined();
    });

    it('parses when present', () => {
      expect(optionalIndexParam('treeSize', '42', { min: 1 })).toBe(42);
    });

    it('still rejects an empty value', () => {
      expect(rejection(() => optionalIndexParam('treeSize', '')).field).toBe('treeSize');
    });
  });
});
