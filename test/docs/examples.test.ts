/** The two runnable examples in docs/examples, compiled by the build, run against the real server. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '../../scripts/harness-server.js';
import { createToken, ledgerFolder, type LedgerFolder } from '../reliability/support.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../dist/docs/examples');

function runExample(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(EXAMPLES, file)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('docs/examples', () => {
  let f: LedgerFolder;
  let server: ServerProcess;
  let base: Record<string, string>;
  beforeAll(async () => {
    f = ledgerFolder('ledger-examples-');
    server = ServerProcess.spawn({ ...f.env, LEDGER_PREPARE_THREADS: '0' });
    const url = await server.waitListening();
    base = { LEDGER_URL: url, LEDGER_TOKEN: await createToken(url, f.adminToken, 'writer', 'examples'), LEDGER_VERIFIER_KEY: f.verifierKey };
  });
  afterAll(async () => {
    await server.stop();
    f.cleanup();
  });

  it('ci-deploy-approval records the approval once per run attempt, verified', async () => {
    const env = { ...base, GITHUB_RUN_ID: '9001', GITHUB_SHA: 'abc123', DEPLOY_APPROVER: 'alice@corp.example', DEPLOY_APPROVED_AT: '2026-09-14T09:12:00Z' };
    const first = await runExample('ci-deploy-approval.js', env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const receipt = JSON.parse(first.stdout) as { index: number; replayed: boolean; checkpointSize: number };
    expect(receipt.replayed).toBe(false);
    expect(receipt.checkpointSize).toBeGreaterThan(receipt.index);
    const again = await runExample('ci-deploy-approval.js', env);
    expect(again.stderr).toBe('');
    const retried = JSON.parse(again.stdout) as { index: number; replayed: boolean };
    expect(retried).toMatchObject({ index: receipt.index, replayed: true });
  });

  it('ci-deploy-approval fails the step when the approval cannot be recorded', async () => {
    const run = await runExample('ci-deploy-approval.js', { ...base, GITHUB_RUN_ID: '9002', DEPLOY_APPROVER: 'alice@corp.example', DEPLOY_APPROVED_AT: '2026-09-14T09:12:00Z', LEDGER_TOKEN: 'elt_writer_wrong' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT recorded, refusing to deploy: 401/);
  });

  it('credential-rotation-hook records the rotation, once per event', async () => {
    const env = { ...base, ROTATION_EVENT_ID: 'evt-77', ROTATED_AT: '2026-09-14T02:00:00Z', CREDENTIAL_ID: 'akid-7f3c', SUBJECT_ID: 'svc-payments', NEW_FINGERPRINT: 'sha256:9ac0f3e6' };
    const first = await runExample('credential-rotation-hook.js', env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/recorded rotation of svc-payments as entry \d+, leaf [0-9a-f]{64} \(verified in the checkpoint of size \d+\)/);
    const again = await runExample('credential-rotation-hook.js', env);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain('already recorded');
    const missing = await runExample('credential-rotation-hook.js', { ...base, ROTATION_EVENT_ID: 'evt-78' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/rotation evidence NOT recorded: SUBJECT_ID is not set/);
  });
});
