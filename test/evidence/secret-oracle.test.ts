/**
 * secretlint's recommended preset as the oracle of our compiled patterns: every value it
 * recognises as a secret, our screen refuses (in a field of any name). The preset is not run on
 * the append path: about 370 µs per record against a few µs for ours (scripts/bench-screening.ts).
 */
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { screenStoredString } from '../../src/evidence/index.js';
import { ALNUM, BASE64URL, HEX, UPPER_ALNUM, fineCorpus, secretCorpus } from './screening-corpora.js';

async function secretlintRules(content: string): Promise<string[]> {
  const result = await lintSource({
    source: { filePath: '/evidence.txt', content, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] } },
  });
  return result.messages.map((m) => m.ruleId.replace('@secretlint/secretlint-rule-', ''));
}

const refusedAnywhere = (value: string) =>
  ['details.note', 'reason', 'details.output'].every((field) => screenStoredString(field, value) !== undefined);

describe('secretlint recommended preset as the oracle', () => {
  const samples = secretCorpus().filter((s) => s.secretlint !== undefined);

  it.each(samples.map((s) => [s.what, s] as const))('secretlint recognises %s, and so do we', async (_, sample) => {
    expect(await secretlintRules(sample.value)).toContain(sample.secretlint);
    expect(refusedAnywhere(sample.value)).toBe(true);
  });

  it('flags nothing in the corpus of non-secrets that we accept (apart from access key ids, which the contract accepts in credentialId)', async () => {
    const flagged: string[] = [];
    for (const { field, value } of fineCorpus()) {
      if (field === 'credentialId' && value.startsWith('AKIA')) continue;
      if ((await secretlintRules(value)).length > 0) flagged.push(value);
    }
    expect(flagged).toEqual([]);
  });

  // Values shaped like each rule's tokens, in text around them: whatever secretlint reports, we refuse.
  const chars = (alphabet: string, min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
  const shapes = fc.oneof(
    fc.tuple(fc.constantFrom('ghp', 'gho', 'ghu', 'ghs', 'ghr'), chars(ALNUM, 36, 36)).map(([p, s]) => `${p}_${s}`),
    chars(ALNUM, 82, 82).map((s) => `github_pat_${s}`),
    chars(ALNUM, 36, 36).map((s) => `npm_${s}`),
    fc.tuple(fc.constantFrom('xoxb', 'xoxp', 'xapp', 'xoxa', 'xoxr'), chars('0123456789', 10, 13), chars(ALNUM, 20, 32)).map(([p, a, b]) => `${p}-${a}-${b}`),
    fc.tuple(chars(BASE64URL, 74, 74), chars(BASE64URL, 74, 74)).map(([a, b]) => `sk-proj-${a}T3BlbkFJ${b}`),
    chars(BASE64URL, 90, 100).map((s) => `sk-ant-api03-${s}AA`),
    chars(ALNUM, 32, 64).map((s) => `lin_api_${s}`),
    fc.tuple(chars(BASE64URL, 22, 22), chars(BASE64URL, 43, 43)).map(([a, b]) => `SG.${a}.${b}`),
    fc.tuple(fc.constantFrom('shpat', 'shpca', 'shppa', 'shpss'), chars(HEX, 32, 32)).map(([p, s]) => `${p}_${s}`),
    fc.tuple(fc.constantFrom('AKIA', 'ASIA', 'AROA', 'AIDA'), chars(UPPER_ALNUM, 16, 16)).map(([p, s]) => `${p}${s}`),
    chars(ALNUM, 40, 40).map((s) => `AWS_SECRET_ACCESS_KEY="${s}"`),
    fc.tuple(fc.constantFrom('https', 'ftp'), chars(ALNUM, 3, 12), chars(ALNUM, 6, 20)).map(([s, u, p]) => `${s}://${u}:${p}@files.corp.example/x`),
    fc.tuple(fc.constantFrom('mongodb', 'postgres', 'mysql'), chars(ALNUM, 3, 12), chars(ALNUM, 6, 20)).map(([s, u, p]) => `${s}://${u}:${p}@db.corp.example/app`),
  );
  const surrounding = fc.constantFrom(['', ''], ['leaked: ', ''], ['token=', ';'], ['"', '"'], ['see ', ' in the log']);

  it('refuses every value secretlint flags (property)', async () => {
    let flagged = 0;
    await fc.assert(
      fc.asyncProperty(shapes, surrounding, async (secret, [before, after]) => {
        const value = `${before}${secret}${after}`;
        if ((await secretlintRules(value)).length === 0) return;
        flagged++;
        expect(refusedAnywhere(value), value).toBe(true);
      }),
      { numRuns: 300 },
    );
    // The oracle is not vacuous: most generated values are real formats by its own rules.
    expect(flagged).toBeGreaterThan(200);
  });
});
