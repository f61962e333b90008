/**
 * The page's logic without a browser: for the same file and key it must print what the
 * `ledger` command prints (text and --json, byte for byte), whether the input is a bundle, a
 * tlog-proof or a checkpoint, verified or not; and slicing the work for the browser must not
 * change a verdict. The command runs in-process (runVerifyCli, on node:crypto); the page's code
 * on @noble, as in the browser.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyCli } from '../../src/cli/verify.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { describeOutcome } from '../../web/result-view.js';
import { InputError, verifyInput, type Pacing, type VerifyRequest } from '../../web/verify-input.js';
import type { TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { Q3_CLOSE_SIZE, auth, fetchBundle, quarterScenario } from '../verify/scenario.js';
import { flipBase64Byte } from '../verify/tamper.js';

let t: TestLedger;
let dir: { dir: string; cleanup: () => void };
let key: string;
const inputs: Record<string, string> = {};

/** Never yields: the page's loop then runs as verifyBundle's. */
const noYield: Pacing = { sliceMs: Infinity, now: () => 0, yieldToBrowser: async () => {} };

beforeAll(async () => {
  t = await quarterScenario();
  dir = tempDir('ledger-web-input-');
  key = t.ledger.key().verifierKey;
  inputs.q3 = (await fetchBundle(t, { period: '2026-Q3' })).text;
  inputs.all = (await fetchBundle(t)).text;
  const all = JSON.parse(inputs.all);
  // Entry 4's leaf with one byte flipped, the first letter of its `source` ("test-writer" -> "uest-writer").
  all.entries[4].leaf = flipBase64Byte(all.entries[4].leaf, sourceOffset(all.entries[4].leaf));
  inputs.tampered = JSON.stringify(all);
  inputs.truncated = inputs.q3.slice(0, inputs.q3.length / 2);
  inputs.report = (await fetchBundle(t, { period: '2026-Q3', controlId: 'ITGC-AC-04' })).text;
  const forged = JSON.parse(inputs.report);
  forged.control.report.result = 'effective';
  inputs.forgedReport = JSON.stringify(forged);
  inputs.provisional = (await fetchBundle(t, { period: '2026-Q4' })).text;
  inputs.notJson = 'this is not a bundle\n';
  inputs.checkpoint = (await supertest(t.app).get('/v1/checkpoint').expect(200)).text;
  inputs.forgedCheckpoint = inputs.checkpoint.replace(/\n(\d+)\n/, (_m, size: string) => `\n${Number(size) + 1}\n`);
  inputs.proof = (await supertest(t.app).get('/v1/entries/3/tlog-proof').query({ treeSize: Q3_CLOSE_SIZE }).set(auth(t, 'auditor')).expect(200)).text;
  inputs.otherProof = inputs.proof.replace('index 3\n', 'index 2\n');
  for (const [name, text] of Object.entries(inputs)) writeFileSync(path.join(dir.dir, name), text);
});
afterAll(() => {
  t.cleanup();
  dir.cleanup();
});

/** Offset in the leaf bytes of the first character of the source's value. */
function sourceOffset(leafBase64: string): number {
  const leaf = Buffer.from(leafBase64, 'base64').toString('latin1');
  return leaf.indexOf('"source":"') + '"source":"'.length;
}

async function cli(argv: string[]) {
  let stdout = '';
  const code = await runVerifyCli(argv, { stdout: (s) => (stdout += s), stderr: () => {} });
  return { code, stdout };
}

/** `bytes` in chunks of `size`, as a browser's File stream hands them out. */
async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function request(input: string | Uint8Array, extra: Partial<VerifyRequest> = {}, chunkSize?: number): VerifyRequest {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  return { chunks: chunked(bytes, chunkSize), totalBytes: bytes.length, key, ...extra };
}

const page = (text: string, extra: Partial<VerifyRequest> = {}, pacing = noYield, chunkSize?: number) =>
  verifyInput(nobleCrypto, request(text, extra, chunkSize), pacing).then(describeOutcome);

describe('the page says what the command says', () => {
  const cases: [input: string, command: string, ok: boolean][] = [
    ['q3', 'verify', true],
    ['all', 'verify', true],
    ['tampered', 'verify', false],
    ['truncated', 'verify', false],
    ['notJson', 'verify', false],
    ['checkpoint', 'verify-checkpoint', true],
    ['forgedCheckpoint', 'verify-checkpoint', false],
    ['proof', 'verify-proof', true],
    ['otherProof', 'verify-proof', false],
    ['report', 'verify', true],
    ['forgedReport', 'verify', false],
    ['provisional', 'verify', true],
  ];
  it.each(cases)('%s: same text and JSON as `ledger %s`', async (input, command, ok) => {
    const file = path.join(dir.dir, input);
    const text = await cli([command, file, '--key', key]);
    const json = await cli([command, file, '--key', key, '--json']);
    expect(text.code).toBe(ok ? 0 : 1);
    const view = await page(inputs[input]!);
    expect(view.ok).toBe(ok);
    expect(view.transcript).toBe(text.stdout);
    expect(view.json).toBe(json.stdout);
  });

  it('heads a report bundle with its control and result, and an open period as PROVISIONAL', async () => {
    expect((await page(inputs.report!)).heading).toBe('VERIFIED: evidence bundle, 4 entries checked, period 2026-Q3, control ITGC-AC-04: undefined');
    const forged = await page(inputs.forgedReport!);
    expect(forged.findings.flatMap((f) => f.problems.map((p) => p.code))).toEqual(['REPORT_MISMATCH']);
    expect((await page(inputs.provisional!)).heading).toBe(
      'VERIFIED: evidence bundle, 3 entries checked, period 2026-Q4 (PROVISIONAL: period still open, not a close)',
    );
  });

  it('names the tampered entry and its problem', async () => {
    const view = await page(inputs.tampered!);
    // Entry 4's bytes no longer hash to its leafHash, nor to the leaf the signed root includes.
    // Entry 5's prev still names the hash entry 4 had, which is the log's: one cause, one failure.
    expect(view.heading).toBe('NOT VERIFIED: evidence bundle, 9 entries checked, tree size 9, 1 entry failed');
    expect(view.findings.map((f) => [f.subject, f.problems.map((p) => p.code)])).toEqual([
      ['entry 4', ['BAD_LEAF_HASH', 'BAD_INCLUSION']],
    ]);
  });

  it('heads a verified bundle with its period and entry count', async () => {
    expect((await page(inputs.q3!)).heading).toBe('VERIFIED: evidence bundle, 4 entries checked, period 2026-Q3');
  });

  it('passes the fiscal year start as --fiscal-year-start does', async () => {
    const view = await page(inputs.q3!, { fiscalYearStart: 4 });
    const command = await cli(['verify', path.join(dir.dir, 'q3'), '--key', key, '--fiscal-year-start', '4', '--json']);
    expect(view.ok).toBe(false);
    expect(view.json).toBe(command.stdout);
  });
});

describe('streaming the file and slicing the work for the browser', () => {
  it('yields between slices, reports progress in bytes, and reaches the same verdicts', async () => {
    let clock = 0;
    let yields = 0;
    const everyPiece: Pacing = { sliceMs: 1, now: () => clock++, yieldToBrowser: async () => void yields++ };
    const progress: number[] = [];
    const size = new TextEncoder().encode(inputs.tampered!).length;
    const sliced = await page(inputs.tampered!, { onProgress: (done, total) => progress.push(total - done) }, everyPiece, 1000);
    expect(sliced.json).toBe((await page(inputs.tampered!)).json);
    // ASCII text in 1,000-byte chunks, each under one piece: one yield per chunk.
    const chunks = Math.ceil(size / 1000);
    expect(yields).toBe(chunks);
    expect(progress).toEqual(Array.from({ length: chunks }, (_, i) => Math.max(0, size - 1000 * (i + 1))));
  });

  it('reaches the same verdicts from one-byte chunks (multi-byte characters split across them)', async () => {
    const withAccent = inputs.q3!.replace('"generatedAt":"', '"generatedAt":"é');
    const whole = await page(withAccent);
    expect((await page(withAccent, {}, noYield, 1)).json).toBe(whole.json);
  });
});

describe('the key as an auditor saved it', () => {
  it('takes the JSON GET /v1/key answers (`curl …/v1/key > ledger.vkey`, pasted), as --key takes that file', async () => {
    const saved = (await supertest(t.app).get('/v1/key').expect(200)).text;
    expect(saved.trim().startsWith('{')).toBe(true);
    const withKey = await page(inputs.proof!);
    expect(await page(inputs.proof!, { key: `${saved}\n` })).toEqual(withKey);
    expect(withKey.ok).toBe(true);
    writeFileSync(path.join(dir.dir, 'ledger.vkey'), saved);
    expect((await cli(['verify-proof', path.join(dir.dir, 'proof'), '--key', path.join(dir.dir, 'ledger.vkey'), '--json'])).stdout).toBe(withKey.json);
  });

  it('refuses JSON without a verifierKey, saying what it expected', async () => {
    const verifyInputRefusal = await verifyInput(nobleCrypto, request(inputs.proof!, { key: '{"publicKey":"AAAA"}' }), noYield).catch((e: unknown) => e);
    expect(verifyInputRefusal).toBeInstanceOf(InputError);
    expect((verifyInputRefusal as InputError).message).toBe('not a verifier key: it is JSON without a "verifierKey" string (as GET /v1/key answers)');
  });
});

describe('inputs the page refuses, as the command refuses them (exit 2)', () => {
  const refusal = (text: string | Uint8Array, extra: Partial<VerifyRequest>) =>
    verifyInput(nobleCrypto, request(text, extra), noYield).then(
      () => null,
      (err: unknown) => (err instanceof InputError ? [err.field, err.message] : err),
    );

  it('an empty or malformed key, naming the key field', async () => {
    expect(await refusal(inputs.q3!, { key: '  ' })).toEqual(['key', 'paste the ledger verifier key (name+hex8+base64)']);
    const [field, message] = (await refusal(inputs.q3!, { key: key.slice(0, -4) })) as [string, string];
    expect(field).toBe('key');
    expect(message).toMatch(/^not a verifier key: /);
  });

  it('a checkpoint that is not UTF-8', async () => {
    const bytes = new TextEncoder().encode(inputs.checkpoint!);
    bytes[bytes.length - 3] = 0xff;
    expect(await refusal(bytes, {})).toEqual(['file', 'the checkpoint is not UTF-8 text']);
  });

  it('a fiscal year start that is not a month', async () => {
    expect(await refusal(inputs.q3!, { fiscalYearStart: 13 })).toEqual(['fiscalYearStart', 'the fiscal year start must be a month number from 1 to 12']);
  });
});
