/** `ledger post` against the real server: JSON lines, arrays and single records, batched and idempotent per batch. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/bench-server.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { parseRecordsInput } from '../../src/cli/post.js';
import { validExamples } from '../evidence/examples.js';
import { createToken, ledgerFolder, runCli, type LedgerFolder } from '../reliability/support.js';

const record = (n: number) => ({ ...validExamples.change, changeId: `deploy-${n}` });

describe('parseRecordsInput', () => {
  it('reads one record, a JSON array, or JSON lines', () => {
    expect(parseRecordsInput(' {"a":1}\n')).toEqual([{ a: 1 }]);
    expect(parseRecordsInput('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseRecordsInput('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseRecordsInput('{"a":1}\n{oops}\n')).toThrow(/line 2 is not JSON/);
    expect(() => parseRecordsInput('  \n')).toThrow(/no record/);
  });
});

describe('ledger post', () => {
  let f: LedgerFolder;
  let server: ServerProcess;
  let url: string;
  let token: string;
  const size = async () => ((await (await fetch(`${url}/readyz`)).json()) as { treeSize: number }).treeSize;
  beforeAll(async () => {
    f = ledgerFolder('ledger-post-');
    server = ServerProcess.spawn({ ...f.env, LEDGER_PREPARE_THREADS: '0' });
    url = await server.waitListening();
    token = await createToken(url, f.adminToken, 'writer', 'ci-pipeline');
  });
  afterAll(async () => {
    await server.stop();
    f.cleanup();
  });

  it('posts JSON lines from stdin in batches, printing one line per entry, and verifies receipts when given the key', async () => {
    const input = [1, 2, 3].map((n) => JSON.stringify(record(n))).join('\n');
    const before = await size();
    const run = await runCli(['post', '--url', url, '--token', token, '--batch-size', '2', '--verifier-key', f.verifierKey, '-'], input);
    expect(run.stderr).toContain('3 records posted');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; replayed: boolean });
    expect(lines.map((l) => l.index)).toEqual([before, before + 1, before + 2]);
    expect(await size()).toBe(before + 3);
  });

  it('reposting the same file with the same --key prefix appends nothing twice', async () => {
    const file = path.join(f.dir, 'records.json');
    writeFileSync(file, JSON.stringify([record(10), record(11), record(12)]));
    const env = { LEDGER_TOKEN: token };
    const first = await runCli(['post', '--url', url, '--key', 'job-42', '--batch-size', '2', file], undefined, env);
    expect(first.code).toBe(0);
    const before = await size();
    const again = await runCli(['post', '--url', url, '--key', 'job-42', '--batch-size', '2', file], undefined, env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n').map((l) => JSON.parse(l).replayed)).toEqual([true, true, true]);
    expect(await size()).toBe(before);
  });

  it('stops at a bad record, naming it, its field, and what was posted before it', async () => {
    const input = [record(20), record(21), { ...record(22), environment: '' }].map((r) => JSON.stringify(r)).join('\n');
    const before = await size();
    const run = await runCli(['post', '--url', url, '--token', token, '--batch-size', '2', '-'], input);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/batch 2 \(records 3 to 3\) was not posted.*environment.*2 records before it were posted/);
    expect(await size()).toBe(before + 2);
  });

  it('takes --url once per instance: an instance that does not answer is passed over, and the records land once', async () => {
    // A port nothing listens on: connection refused.
    const dead = `http://127.0.0.1:${await freePort()}`;
    const before = await size();
    const run = await runCli(['post', '--url', dead, '--url', url, '--token', token, '-'], JSON.stringify([record(30), record(31)]));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`attempt 1 failed`);
    expect(run.stderr).toContain(`retrying at ${url} in 0 ms`);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).index)).toEqual([before, before + 1]);
    expect(await size()).toBe(before + 2);
  });

  it('needs a token', async () => {
    const run = await runCli(['post', '--url', url, '-'], '{}', { LEDGER_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/writer token is needed/);
  });
});
