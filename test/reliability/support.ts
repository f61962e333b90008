/**
 * What the reliability tests share: a ledger folder with a signing key, the server in-process
 * (startService, when the test needs its store or clock) or as a real child process
 * (scripts/harness-server.ts), posting marked records, and running the CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { nodeCrypto } from '../../src/crypto/node.js';
import { startService, type RunningService, type ServiceOptions } from '../../src/cli/service.js';
import { createLogger } from '../../src/http/request-log.js';
import { formatVerifierKey, generateSignerKey, verifierKeyOf } from '../../src/note/index.js';
import { writeSigningKey } from '../../src/ledger/signing-key.js';
import { cliPath } from '../../scripts/harness-server.js';
import { markerRecord } from '../../scripts/harness-writers.js';
import { tempDir } from '../support/tmp.js';

export const ORIGIN = 'reliability.test/log';

export interface LedgerFolder {
  dir: string;
  dbFile: string;
  keyFile: string;
  verifierKey: string;
  adminToken: string;
  /** Environment for `ledger serve` / loadConfig. */
  env: Record<string, string>;
  cleanup(): void;
}

export function ledgerFolder(prefix = 'ledger-rel-', dbDir?: string): LedgerFolder {
  const t = tempDir(prefix);
  const dbFile = path.join(dbDir ?? t.dir, 'ledger.db');
  const keyFile = path.join(t.dir, 'ledger.key');
  const signer = generateSignerKey(nodeCrypto, ORIGIN);
  writeSigningKey(keyFile, signer);
  const adminToken = randomBytes(32).toString('base64url');
  return {
    dir: t.dir,
    dbFile,
    keyFile,
    verifierKey: formatVerifierKey(verifierKeyOf(signer)),
    adminToken,
    env: { PORT: '0', LEDGER_DB: dbFile, LEDGER_KEY_FILE: keyFile, LEDGER_ORIGIN: ORIGIN, LEDGER_ADMIN_TOKEN: adminToken, LEDGER_CHECKPOINT_INTERVAL_MS: '50' },
    cleanup: t.cleanup,
  };
}

export function startInProcess(f: LedgerFolder, options: ServiceOptions = {}, env: Record<string, string> = {}): Promise<RunningService> {
  return startService(loadConfig({ ...f.env, ...env }), { logger: createLogger('silent'), print: () => {}, ...options });
}

export async function createToken(url: string, adminToken: string, role: 'writer' | 'auditor', source = `rel-${role}`): Promise<string> {
  const res = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role, source }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Posted {
  status: number;
  retryAfter: string | null;
  body: { index?: number; leafHash?: string; type?: string; detail?: string; entry?: { receivedAt: string } };
}

export async function post(url: string, token: string, marker: string, idempotencyKey?: string): Promise<Posted> {
  const res = await fetch(`${url}/v1/entries`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    },
    body: JSON.stringify(markerRecord(marker)),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Posted['body'] };
}

export async function readyz(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `ledger` CLI as a separate process. */
export function runCli(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether `cmd args` succeeds here (mount and chattr need root and a permissive container). */
export function canRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether files can be made immutable here (`chattr +i`: root on a file system that supports it).
 * The reliability tests use it for "read-only", because root ignores file modes.
 */
export function canMakeImmutable(): boolean {
  const t = tempDir('ledger-chattr-');
  const probe = path.join(t.dir, 'probe');
  try {
    writeFileSync(probe, 'x');
    if (!canRun('chattr', ['+i', probe])) return false;
    return canRun('chattr', ['-i', probe]);
  } finally {
    t.cleanup();
  }
}

/**
 * Polls `condition` until it holds, or throws after `timeoutMs`: tests wait for what they need,
 * never for a fixed time (too short on a loaded machine, wasted on an idle one).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
