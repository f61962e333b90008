/**
 * The auditor's flow: a bundle, checkpoint or tlog-proof written to disk by the real service,
 * then verified by the CLI commands with nothing but the file and the verifier key. Runs the
 * commands in-process through runVerifyCli (argument parsing and exit codes included).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyCli } from '../../src/cli/verify.js';
import { formatVerifierKey, verifierKeyOf } from '../../src/note/index.js';
import { testSigner, type TestLedger } from '../support/ledger.js';
import { tempDir } from '../support/tmp.js';
import { Q3_CLOSE_SIZE, Q3_FIRST_INDEX, auth, fetchBundle, quarterScenario } from '../verify/scenario.js';
import { clone, flipHex } from '../verify/tamper.js';

let t: TestLedger;
let dir: { dir: string; cleanup: () => void };
let key: string;
let bundleText: string;
const file = (name: string) => path.join(dir.dir, name);

beforeAll(async () => {
  t = await quarterScenario();
  dir = tempDir('ledger-verify-cli-');
  key = t.ledger.key().verifierKey;
  bundleText = (await fetchBundle(t, { period: '2026-Q3' })).text;
  writeFileSync(file('bundle.json'), bundleText);
  writeFileSync(file('ledger.vkey'), `${key}\n`);
  // What the README's `curl /v1/key > ledger.json` saves.
  writeFileSync(file('key.json'), (await request(t.app).get('/v1/key').expect(200)).text);
  writeFileSync(file('other.json'), '{"publicKey":"AAAA"}');
  const checkpoint = await request(t.app).get('/v1/checkpoint').expect(200);
  writeFileSync(file('checkpoint.txt'), checkpoint.text);
  const proof = await request(t.app).get('/v1/entries/3/tlog-proof').query({ treeSize: Q3_CLOSE_SIZE }).set(auth(t, 'auditor')).expect(200);
  writeFileSync(file('entry-3.tlog-proof'), proof.text);
});
afterAll(() => {
  t.cleanup();
  dir.cleanup();
});

async function cli(argv: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runVerifyCli(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  return { code, stdout, stderr };
}

describe('--key forms', () => {
  it('accepts the JSON GET /v1/key answers, saved to a file', async () => {
    const { code, stdout } = await cli(['verify', file('bundle.json'), '--key', file('key.json')]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().endsWith('RESULT: VERIFIED')).toBe(true);
  });

  it('lists every verified record with --records', async () => {
    const { code, stdout } = await cli(['verify', file('bundle.json'), '--key', key, '--records']);
    expect(code).toBe(0);
    for (let i = Q3_FIRST_INDEX; i < Q3_CLOSE_SIZE; i++) expect(stdout).toMatch(new RegExp(`^  entry ${i}: ok`, 'm'));
    expect(stdout).toContain('  entry 3: ok (late): approval ITGC-AC-04 on ');
    expect(stdout).toMatch(/^  entry 4: ok: rotation ITGC-AC-07 on payments-api-prod, spiffe:\/\/corp\/vault-rotator -> svc-ledger-export-4, occurred 2026-09-14T02:00:00Z$/m);
  });

  it('says which forms it takes when a JSON file holds no verifierKey: exit 2', async () => {
    const { code, stderr } = await cli(['verify', file('bundle.json'), '--key', file('other.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('without a "verifierKey" string');
    expect(stderr).toContain('the JSON GET /v1/key answers');
  });
});

describe('ledger verify BUNDLE --key VKEY', () => {
  it('verifies a bundle file with a key file: exit 0, what was verified by record type, and a summary', async () => {
    const { code, stdout } = await cli(['verify', file('bundle.json'), '--key', file('ledger.vkey')]);
    expect(code).toBe(0);
    // A person reads what the records are, not one "ok" line per entry (100,000 of them for a large bundle).
    expect(stdout).not.toMatch(/^  entry \d+: ok/m);
    expect(stdout).toContain('records verified: 3 approval, 1 rotation\n');
    expect(stdout).toContain('period: 2026-Q3');
    expect(stdout).toContain('entries: 4 checked, 0 failed, 1 late');
    expect(stdout.trimEnd().endsWith('RESULT: VERIFIED')).toBe(true);
  });

  it('takes the key itself as well as a file, and the bundle from stdin', async () => {
    expect((await cli(['verify', '-', '--key', key], bundleText)).code).toBe(0);
  });

  it('prints the machine report with --json', async () => {
    const { code, stdout } = await cli(['verify', file('bundle.json'), '--key', key, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.summary).toMatchObject({ ok: true, entries: 4, failures: 0, period: '2026-Q3' });
  });

  it('exits 1 for a tampered bundle and names the entry and the problem', async () => {
    const b = clone(JSON.parse(bundleText));
    b.entries[2].proof[0] = flipHex(b.entries[2].proof[0]);
    writeFileSync(file('tampered.json'), JSON.stringify(b));
    const { code, stdout } = await cli(['verify', file('tampered.json'), '--key', key]);
    expect(code).toBe(1);
    expect(stdout).toContain('  entry 4: FAILED');
    expect(stdout).toContain('BAD_INCLUSION');
    expect(stdout.trimEnd().endsWith('RESULT: NOT VERIFIED')).toBe(true);
  });

  it('exits 1 for truncated JSON', async () => {
    writeFileSync(file('truncated.json'), bundleText.slice(0, Math.floor(bundleText.length / 2)));
    const { code, stdout } = await cli(['verify', file('truncated.json'), '--key', key]);
    expect(code).toBe(1);
    expect(stdout).toContain('not a valid JSON object');
    expect(stdout).toContain('truncated');
  });

  it('exits 1 for a bundle cut in the middle of its entries, after the verdicts it could give', async () => {
    const lines = bundleText.split('\n');
    writeFileSync(file('cut.json'), lines.slice(0, 3).join('\n')); // head and two entries, no closing brackets
    const { code, stdout } = await cli(['verify', file('cut.json'), '--key', key, '--records']);
    expect(code).toBe(1);
    expect(stdout).toContain(`  entry ${Q3_FIRST_INDEX}: ok`);
    expect(stdout).toContain('truncated');
  });

  it('exits 1 for a bundle that is not UTF-8', async () => {
    writeFileSync(file('latin1.json'), Buffer.concat([Buffer.from(bundleText.slice(0, 100)), Buffer.of(0xff, 0xfe), Buffer.from(bundleText.slice(100))]));
    const { code, stdout } = await cli(['verify', file('latin1.json'), '--key', key]);
    expect(code).toBe(1);
    expect(stdout).toContain('not UTF-8');
  });

  it('accepts any layout of the same JSON (pretty-printed here)', async () => {
    writeFileSync(file('pretty.json'), JSON.stringify(JSON.parse(bundleText), null, 2));
    expect((await cli(['verify', file('pretty.json'), '--key', key])).code).toBe(0);
  });

  it('exits 1 under a wrong key', async () => {
    const other = formatVerifierKey(verifierKeyOf(testSigner('not the log')));
    const { code, stdout } = await cli(['verify', file('bundle.json'), '--key', other]);
    expect(code).toBe(1);
    expect(stdout).toContain('BAD_CHECKPOINT');
  });

  it('exits 2 for usage errors: no --key, a key that is neither a key nor a file, no such bundle, unknown option', async () => {
    expect((await cli(['verify', file('bundle.json')])).code).toBe(2);
    const badKey = await cli(['verify', file('bundle.json'), '--key', 'nonsense']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('--key');
    expect((await cli(['verify', file('missing.json'), '--key', key])).code).toBe(2);
    expect((await cli(['verify', file('bundle.json'), '--key', key, '--frobnicate'])).code).toBe(2);
    expect((await cli(['verify'])).code).toBe(2);
    expect((await cli(['verify', file('bundle.json'), '--key', key, '--fiscal-year-start', '13'])).code).toBe(2);
  });

  it('exits 0 for --help', async () => {
    const { code, stdout } = await cli(['verify', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--key');
  });
});

describe('ledger verify-checkpoint FILE --key VKEY', () => {
  it('verifies the served checkpoint', async () => {
    const { code, stdout } = await cli(['verify-checkpoint', file('checkpoint.txt'), '--key', key]);
    expect(code).toBe(0);
    expect(stdout).toContain('tree size: 9');
  });

  it('reads stdin and answers JSON', async () => {
    const { code, stdout } = await cli(['verify-checkpoint', '-', '--key', key, '--json'], (await request(t.app).get('/v1/checkpoint')).text);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, checkpoint: { treeSize: 9 } });
  });

  it('exits 1 for another origin or an altered note', async () => {
    expect((await cli(['verify-checkpoint', file('checkpoint.txt'), '--key', key, '--origin', 'other.example/log'])).code).toBe(1);
    const note = (await request(t.app).get('/v1/checkpoint')).text.replace('\n9\n', '\n8\n');
    expect((await cli(['verify-checkpoint', '-', '--key', key], note)).code).toBe(1);
  });
});

describe('ledger verify-proof FILE --key VKEY', () => {
  it('verifies a tlog-proof against the period close and describes the entry', async () => {
    const { code, stdout } = await cli(['verify-proof', file('entry-3.tlog-proof'), '--key', file('ledger.vkey')]);
    expect(code).toBe(0);
    expect(stdout).toContain('entry: 3');
    expect(stdout).toContain(`checkpoint: tree size ${Q3_CLOSE_SIZE}`);
  });

  it('exits 1 for a tampered proof', async () => {
    const text = (await request(t.app).get('/v1/entries/3/tlog-proof').set(auth(t, 'auditor'))).text.replace('index 3\n', 'index 2\n');
    const { code, stdout } = await cli(['verify-proof', '-', '--key', key], text);
    expect(code).toBe(1);
    expect(stdout).toContain('NOT VERIFIED');
  });
});

describe('an error answer saved with curl where evidence was expected', () => {
  it('says the file holds the ledger\'s error answer, in its words: exit 1', async () => {
    const noToken = await request(t.app).get('/v1/bundles?period=2026-Q3').expect(401);
    writeFileSync(file('q3-no-token.json'), noToken.text);
    const bundle = await cli(['verify', file('q3-no-token.json'), '--key', key]);
    expect(bundle.code).toBe(1);
    expect(bundle.stdout).toContain(`BAD_SHAPE: the file holds the ledger's error answer (HTTP 401 Unauthorized: ${noToken.body.detail}), not an evidence bundle: fetch it again`);

    const missing = await request(t.app).get('/v1/entries/999999/tlog-proof').set(auth(t, 'auditor')).expect(404);
    const proof = await cli(['verify-proof', '-', '--key', key], missing.text);
    expect(proof.code).toBe(1);
    expect(proof.stdout).toContain(`BAD_SHAPE: the file holds the ledger's error answer (HTTP 404 Not Found: ${missing.body.detail}), not a C2SP tlog-proof: fetch it again`);
  });
});
