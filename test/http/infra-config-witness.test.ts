/** LEDGER_WITNESS_POLICY: read and checked at start-up, one clear message per problem. */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { nodeCrypto as c } from '../../src/crypto/node.js';
import { formatCosignerKey, generateCosignerKey, verifierKeyOf } from '../../src/note/index.js';
import { tempDir } from '../support/tmp.js';

const t = tempDir('ledger-policy-');
afterAll(() => t.cleanup());
const vkey = (name: string, fill: number) => formatCosignerKey(verifierKeyOf(generateCosignerKey(c, name, new Uint8Array(32).fill(fill))));

function policyFile(text: string): string {
  const file = path.join(t.dir, `p${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, text);
  return file;
}

function problem(text: string): string {
  try {
    loadConfig({ LEDGER_WITNESS_POLICY: policyFile(text) });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['LEDGER_WITNESS_POLICY']);
    return (err as ConfigError).message;
  }
  throw new Error('expected a configuration error');
}

describe('LEDGER_WITNESS_POLICY', () => {
  it('parses a policy whose witnesses all have URLs and storable names', () => {
    const file = policyFile(`witness auditor ${vkey('witness.auditor.example/sox', 1)} http://127.0.0.1:7380\nquorum auditor\n`);
    const config = loadConfig({ LEDGER_WITNESS_POLICY: file });
    expect(config.witnessPolicyFile).toBe(file);
    expect(config.witnessPolicy?.witnesses.map((w) => [w.name, w.url])).toEqual([['auditor', 'http://127.0.0.1:7380']]);
  });

  it('names the variable, the file and the line of a syntax error', () => {
    expect(problem('quorum nobody\n')).toMatch(/LEDGER_WITNESS_POLICY: .*policy line 1: quorum "nobody" is not defined/);
  });

  it('refuses a witness without a URL: the ledger could not ask it', () => {
    expect(problem(`witness auditor ${vkey('w.example/a', 2)}\nquorum auditor\n`)).toMatch(/witness auditor has no URL/);
  });

  it('refuses witness names outside the strict identifier rule (names are stored)', () => {
    expect(problem(`witness aud\u00e9 ${vkey('w.example/a', 3)} http://x.example\nquorum aud\u00e9\n`)).toMatch(/witness name "aud\u00e9" must be/);
    expect(problem(`witness ok ${vkey('w.example/\u200ba', 4)} http://x.example\nquorum ok\n`)).toMatch(/key name/);
  });

  it('refuses a missing file with the reason', () => {
    expect(() => loadConfig({ LEDGER_WITNESS_POLICY: path.join(t.dir, 'nope') })).toThrow(/cannot read the policy file/);
  });
});
