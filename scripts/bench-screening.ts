/**
 * The secret screen on the append path (issue 11): microseconds per record for the screen as it
 * was before issue 11 (commit SCREEN_BEFORE_COMMIT, read from git and transpiled at run time, so
 * no copy of it lives in the tree) beside the screen now, the schema alone, the whole
 * validateRecord gate, and secretlint's recommended preset run per record (the rule set our
 * patterns are compiled from, kept as the test oracle). All in one run, on the same records.
 *
 *   npm run build && node dist/scripts/bench-screening.js [--records N]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { evidenceRecordSchema, findSecrets, validateRecord, type EvidenceRecord } from '../src/evidence/index.js';
import { figure, type Figure } from './bench-common.js';
import { benchRecord } from './bench-records.js';

const SUITE = 'screening';
/** The last commit before issue 11 changed the screen. */
export const SCREEN_BEFORE_COMMIT = '7d211d2';
const BEFORE_FILES = ['secrets.ts', 'secret-patterns.ts', 'secret-names.ts', 'problems.ts'];

type FindSecrets = (record: unknown) => unknown[];

/** The screen of SCREEN_BEFORE_COMMIT, transpiled beside the built crypto module it imports. */
async function loadScreenBefore(repo: string, builtSrc: string): Promise<{ findSecrets: FindSecrets; cleanup(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'screen-before-'));
  mkdirSync(path.join(dir, 'evidence'));
  symlinkSync(path.join(builtSrc, 'crypto'), path.join(dir, 'crypto'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  for (const file of BEFORE_FILES) {
    const source = execFileSync('git', ['show', `${SCREEN_BEFORE_COMMIT}:src/evidence/${file}`], { cwd: repo, encoding: 'utf8' });
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(path.join(dir, 'evidence', file.replace(/\.ts$/, '.js')), js);
  }
  const mod = (await import(pathToFileURL(path.join(dir, 'evidence', 'secrets.js')).href)) as { findSecrets: FindSecrets };
  return { findSecrets: mod.findSecrets, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Microseconds per record of each op over `records`: the best of five rounds, every op measured once
 * per round in turn, so a machine whose load moves (it is shared) weighs on all of them alike.
 */
function microsPerRecord(records: readonly unknown[], ops: readonly ((r: unknown) => unknown)[]): number[] {
  for (const op of ops) for (const r of records) op(r);
  const best = ops.map(() => Infinity);
  for (let round = 0; round < 5; round++) {
    ops.forEach((op, i) => {
      const start = performance.now();
      for (const r of records) op(r);
      best[i] = Math.min(best[i]!, ((performance.now() - start) * 1000) / records.length);
    });
  }
  return best;
}

async function secretlintMicrosPerRecord(texts: readonly string[]): Promise<number> {
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  const lint = (content: string) => lintSource({ source: { filePath: '/record.json', content, contentType: 'text' }, options: { config } });
  for (const t of texts.slice(0, 200)) await lint(t);
  const start = performance.now();
  for (const t of texts) await lint(t);
  return ((performance.now() - start) * 1000) / texts.length;
}

/** Records as the benchmarks post them, plus one in four carrying a realistic `details`. */
function records(n: number): EvidenceRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const r = benchRecord(i);
    if (i % 4 !== 1) return r;
    return {
      ...r,
      details: {
        pipeline: 'deploy-prod',
        runUrl: `https://github.com/corp/payments/actions/runs/${9_000_000_000 + i}`,
        image: `ghcr.io/corp/payments-api@sha256:${i.toString(16).padStart(64, '0')}`,
        secretRef: 'vault:kv/data/payments/prod/db',
        reviewers: ['alice@corp.example', 'bob@corp.example'],
        note: `Approved in the weekly access review; see REQ-${1000 + i}.`,
      },
    };
  });
}

export async function benchScreening(opts: { records: number }): Promise<Figure[]> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const builtSrc = path.resolve(here, '../src');
  const repo = path.resolve(here, '../..');
  const sample = records(opts.records);
  const before = await loadScreenBefore(repo, builtSrc);
  try {
    const [screenBefore, screenNow, schema, gate] = microsPerRecord(sample, [
      before.findSecrets,
      findSecrets,
      (r) => evidenceRecordSchema.safeParse(r),
      validateRecord,
    ]) as [number, number, number, number];
    const secretlint = await secretlintMicrosPerRecord(sample.slice(0, Math.min(2_000, sample.length)).map((r) => JSON.stringify(r)));
    const base = { suite: SUITE, unit: 'µs/record' };
    return [
      figure({ ...base, name: 'secret screen now (findSecrets)', value: screenNow, baselineName: `secret screen before issue 11 (${SCREEN_BEFORE_COMMIT})`, baseline: screenBefore }),
      figure({ ...base, name: 'validateRecord now (schema + screen)', value: gate, baselineName: 'schema alone (zod safeParse)', baseline: schema }),
      figure({ ...base, name: 'secretlint recommended preset, one lintSource per record', value: secretlint, baselineName: 'secret screen now (findSecrets)', baseline: screenNow }),
    ];
  } finally {
    before.cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' } } });
  for (const f of await benchScreening({ records: Number(values.records) })) {
    console.log(`${f.name}: ${f.value.toFixed(2)} ${f.unit} | ${f.baselineName}: ${f.baseline.toFixed(2)} ${f.unit} | ratio ${f.ratio.toFixed(2)}x`);
  }
}
