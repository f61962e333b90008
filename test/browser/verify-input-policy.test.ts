/**
 * The page with a witness policy, as `ledger verify-checkpoint --policy` (the cosignature
 * vectors' note: log signature, then one cosignature): same verdicts, key from the policy.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVerifyCli } from '../../src/cli/verify.js';
import { nobleCrypto } from '../../src/crypto/noble.js';
import { InputError, verifyInput, type Pacing } from '../../web/verify-input.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../../src/note/index.js';
import { loadVectors } from '../support/vectors.js';
import { tempDir } from '../support/tmp.js';

const v = loadVectors<{ log_vkey: string; cases: { vkey: string; cosigned_note: string }[] }>('cosignatures.json');
const note = v.cases[0]!.cosigned_note;
const noYield: Pacing = { sliceMs: Infinity, now: () => 0, yieldToBrowser: async () => {} };
const dir = tempDir('ledger-web-policy-');
afterAll(() => dir.cleanup());

const witnessed = `log ${v.log_vkey}\nwitness auditor ${v.cases[0]!.vkey}\nquorum auditor\n`;
const needsTwo = `log ${v.log_vkey}\nwitness auditor ${v.cases[0]!.vkey}\nwitness committee ${v.cases[1]!.vkey}\ngroup both all auditor committee\nquorum both\n`;

async function page(policy: string, key = '') {
  const bytes = new TextEncoder().encode(note);
  return verifyInput(nobleCrypto, { chunks: (async function* () { yield bytes; })(), totalBytes: bytes.length, key, policy }, noYield);
}

async function command(policy: string) {
  const file = path.join(dir.dir, 'policy.txt');
  const cp = path.join(dir.dir, 'checkpoint.txt');
  writeFileSync(file, policy);
  writeFileSync(cp, note);
  let stdout = '';
  const code = await runVerifyCli(['verify-checkpoint', cp, '--policy', file, '--json'], { stdout: (s) => (stdout += s), stderr: () => {} });
  return { code, json: JSON.parse(stdout) };
}

describe('the verify page with a witness policy', () => {
  it('accepts a checkpoint its quorum cosigned, with the log key taken from the policy, as the command does', async () => {
    const out = await page(witnessed);
    expect(out.kind === 'checkpoint' && out.verdict.ok).toBe(true);
    const cli = await command(witnessed);
    expect(cli.code).toBe(0);
    expect(cli.json.checkpoint.cosignatures).toEqual([{ witness: 'auditor', name: 'witness.example.org/auditor', timestamp: 1679315147 }]);
  });

  it('refuses one without the quorum, naming the missing witness, as the command does', async () => {
    const out = await page(needsTwo, v.log_vkey);
    expect(out.kind === 'checkpoint' && !out.verdict.ok && out.verdict.problem).toMatchObject({ code: 'NO_QUORUM', message: expect.stringMatching(/from committee$/) });
    const cli = await command(needsTwo);
    expect(cli.code).toBe(1);
    expect(cli.json.problems[0].code).toBe('NO_QUORUM');
  });

  it('refuses a log key the policy does not list, next to the key field, as the command does', async () => {
    const other = formatVerifierKey(verifierKeyOf(generateSignerKey(nobleCrypto, 'other.example/log', new Uint8Array(32).fill(5))));
    await expect(page(witnessed, other)).rejects.toMatchObject({ field: 'key', message: expect.stringMatching(/not one of the logs/) });
    const file = path.join(dir.dir, 'policy-other.txt');
    writeFileSync(file, witnessed);
    await expect(runVerifyCli(['verify-checkpoint', file, '--policy', file, '--key', other], { stdout: () => {}, stderr: () => {} })).resolves.not.toBe(0);
  });

  it('refuses a policy that does not parse, next to the policy field', async () => {
    await expect(page('quorum nobody\n', v.log_vkey)).rejects.toMatchObject({ field: 'policy' });
    await expect(page('quorum nobody\n', v.log_vkey)).rejects.toBeInstanceOf(InputError);
  });
});
