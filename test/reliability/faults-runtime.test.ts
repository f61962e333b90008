/**
 * Faults while running: the database becomes read-only, or another program holds its write
 * lock. Each gives 503 + Retry-After, acknowledges nothing it did not store, shows in /readyz,
 * and clears by itself when the cause goes away. A lock held at start-up stops the start.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { canMakeImmutable, createToken, ledgerFolder, post, readyz, startInProcess, waitFor, type LedgerFolder } from './support.js';

/** Readiness re-probes at most once a second (health.ts). */

function markersIn(f: LedgerFolder): string[] {
  const store = Store.open(f.dbFile, { readonly: true });
  try {
    // The writer's entries: the ledger's own (its key, the token's issuance) are not markers.
    return [...store.log.iterate()].filter((e) => e.source !== 'ledger:self').map((e) => e.subjectId);
  } finally {
    store.close();
  }
}

/**
 * Another program (not a ledger) holding SQLite's write lock: `BEGIN EXCLUSIVE` until told to
 * commit on stdin.
 */
async function lockHolder(dbFile: string): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database(${JSON.stringify(dbFile)});
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  expect(first.toString()).toContain('locked');
  return child;
}

async function release(holder: ChildProcessWithoutNullStreams): Promise<void> {
  holder.stdin.end('commit\n');
  await once(holder, 'close');
}

describe('faults while running', () => {
  let f: LedgerFolder;
  afterEach(() => f?.cleanup());

  it.skipIf(!canMakeImmutable())('database made read-only (chattr +i on the file and its WAL): 503, not ready, recovers', async () => {
    f = ledgerFolder('ledger-ro-');
    const s = await startInProcess(f);
    const files = [f.dbFile, `${f.dbFile}-wal`].filter((p) => existsSync(p));
    try {
      const writer = await createToken(s.url, f.adminToken, 'writer');
      const first = await post(s.url, writer, 'ro-0');
      expect(first.status).toBe(201);
      execFileSync('chattr', ['+i', ...files]);
      const refused = await post(s.url, writer, 'ro-1', 'ro-1-key');
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('1');
      const notReady = await readyz(s.url);
      expect(notReady.status).toBe(503);
      expect(String(notReady.body.database)).toMatch(/SQLITE_(IOERR|READONLY)/);

      execFileSync('chattr', ['-i', ...files]);
      const retried = await post(s.url, writer, 'ro-1', 'ro-1-key');
      expect(retried.status).toBe(201);
      expect(retried.body.index).toBe(first.body.index! + 1);
      // Readiness re-probes the database at most once a second: wait for the next probe.
      await waitFor(async () => (await readyz(s.url)).status === 200, 'readiness after the fault cleared');
      await s.close();
      expect(markersIn(f)).toEqual(['ro-0', 'ro-1']);
    } finally {
      try {
        execFileSync('chattr', ['-i', ...files]);
      } catch {
        // already mutable
      }
      await s.close();
    }
  });

  it('write lock held by another program: 503 after the busy timeout, not ready, nothing stored, recovers on release', async () => {
    f = ledgerFolder('ledger-locked-');
    const s = await startInProcess(f);
    try {
      const writer = await createToken(s.url, f.adminToken, 'writer');
      const first = await post(s.url, writer, 'lk-0');
      expect(first.status).toBe(201);
      const holder = await lockHolder(f.dbFile);
      const refused = await post(s.url, writer, 'lk-1', 'lk-1-key');
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('1');
      const notReady = await readyz(s.url);
      expect(notReady.status).toBe(503);
      expect(String(notReady.body.database)).toMatch(/SQLITE_BUSY/);

      await release(holder);
      const retried = await post(s.url, writer, 'lk-1', 'lk-1-key');
      expect(retried.status).toBe(201);
      expect(retried.body.index).toBe(first.body.index! + 1);
      // Readiness re-probes the database at most once a second: wait for the next probe.
      await waitFor(async () => (await readyz(s.url)).status === 200, 'readiness after the fault cleared');
      await s.close();
      expect(markersIn(f)).toEqual(['lk-0', 'lk-1']);
    } finally {
      await s.close();
    }
  });

  it('write lock held by another program at start-up: exit 1 with what to check', async () => {
    f = ledgerFolder('ledger-locked-start-');
    await (await startInProcess(f)).close();
    const holder = await lockHolder(f.dbFile);
    try {
      const server = ServerProcess.spawn({ ...f.env, LOG_LEVEL: 'warn' });
      const exit = await server.exited;
      expect(exit.code).toBe(1);
      expect(server.output()).toMatch(/SQLITE_BUSY.*no other program holds a lock on it/);
    } finally {
      await release(holder);
    }
  });
});
