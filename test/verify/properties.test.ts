/**
 * Properties of verifyBundle (fast-check): it never throws, whatever it is given, and changing
 * any single value of a genuine period bundle (other than the informational generatedAt) makes
 * it fail.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { verifyBundle } from '../../src/verify/index.js';
import type { TestLedger } from '../support/ledger.js';
import { fetchBundle, quarterScenario } from './scenario.js';
import { clone } from './tamper.js';

type Path = (string | number)[];

/** Paths to every scalar (string, number, boolean, null) in a JSON value. */
function scalarPaths(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => scalarPaths(v, [...at, k]));
}

function setAt(root: any, path: Path, value: unknown): void {
  let node = root;
  for (const k of path.slice(0, -1)) node = node[k];
  node[path[path.length - 1]!] = value;
}

function getAt(root: any, path: Path): unknown {
  return path.reduce((node, k) => node[k], root);
}

let t: TestLedger;
let bundle: any;
let key: string;

beforeAll(async () => {
  t = await quarterScenario();
  bundle = (await fetchBundle(t, { period: '2026-Q3' })).bundle;
  key = t.ledger.key().verifierKey;
});
afterAll(() => t.cleanup());

describe('verifyBundle properties', () => {
  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const report = verifyBundle(nodeCrypto, value, key);
        expect(report.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a genuine bundle with any one value changed', () => {
    const paths = scalarPaths(bundle).filter((p) => p[0] !== 'generatedAt');
    expect(paths.length).toBeGreaterThan(50);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), (path, replacement) => {
        fc.pre(JSON.stringify(replacement) !== JSON.stringify(getAt(bundle, path)));
        const b = clone(bundle);
        setAt(b, path, replacement);
        expect(verifyBundle(nodeCrypto, b, key).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('rejects a genuine bundle with any one string changed by a single character', () => {
    const paths = scalarPaths(bundle).filter((p) => p[0] !== 'generatedAt' && typeof getAt(bundle, p) === 'string');
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.nat(), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), (path, at, ch) => {
        const old = getAt(bundle, path) as string;
        const i = at % old.length;
        fc.pre(old[i] !== ch);
        const b = clone(bundle);
        setAt(b, path, old.slice(0, i) + ch + old.slice(i + 1));
        expect(verifyBundle(nodeCrypto, b, key).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
