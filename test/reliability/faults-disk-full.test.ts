/**
 * Disk full while running: writes answer 503 with Retry-After and acknowledge nothing that was
 * not stored; readiness says why; once space is back the ledger writes again by itself, with
 * dense indexes. Exercised on a real size-limited file system (a tmpfs mounted for the test,
 * when the environment allows mounting) and, always, by capping the database with SQLite's
 * max_page_count (a simulation of SQLITE_FULL on the same connection).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/crypto/node.js';
import { auditLedger } from '../../src/ledger/audit.js';
import { parseVerifierKey } from '../../src/note/index.js';
import { Store } from '../../src/store/index.js';
import type { RunningService } from '../../src/cli/service.js';
import { canRun, createToken, ledgerFolder, post, readyz, startInProcess, waitFor, type LedgerFolder } from './support.js';
import { tempDir } from '../support/tmp.js';

/** Small enough to fill in a moment, large enough for the database, its WAL and a few hundred entries. */
const TMPFS_SIZE = '3m';
/** Bound on the attempts to run out of space, so a file system that never fills fails the test instead of hanging. */
const MAX_POSTS_UNTIL_FULL = 3000;
/** Readiness re-probes the database at most once a second (health.ts). */

interface Outcome {
  acked: Map<string, number>;
  refused: string[];
}

/** Posts until the first 503 (the disk is full); every other answer must be a 201. */
async function postUntilRefused(url: string, writer: string, prefix: string): Promise<Outcome> {
  const out: Outcome = { acked: new Map(), refused: [] };
  for (let i = 0; i < MAX_POSTS_UNTIL_FULL && out.refused.length === 0; i++) {
    const marker = `${prefix}-${i}`;
    const r = await post(url, writer, marker);
    if (r.status === 201) out.acked.set(marker, r.body.index!);
    else {
      expect(r.status).toBe(503);
      expect(r.retryAfter).toBe('1');
      expect(r.body.type).toBe('urn:evidence-ledger:problem:storage-unavailable');
      out.refused.push(marker);
    }
  }
  expect(out.refused.length).toBe(1);
  return out;
}

/** After recovery: every acknowledged marker at its index, no refused one anywhere, audit clean. */
function checkStored(f: LedgerFolder, outcome: Outcome): void {
  const store = Store.open(f.dbFile, { readonly: true });
  try {
    const where = new Map<string, number>();
    for (const e of store.log.iterate()) where.set(e.subjectId, e.index);
    for (const [marker, index] of outcome.acked) expect(where.get(marker), marker).toBe(index);
    for (const marker of outcome.refused) expect(where.has(marker), marker).toBe(false);
    const audit = auditLedger(store, { crypto: nodeCrypto, key: parseVerifierKey(nodeCrypto, f.verifierKey) });
    expect(audit.findings).toEqual([]);
  } finally {
    store.close();
  }
}

async function expectRecovered(s: RunningService, writer: string, outcome: Outcome): Promise<void> {
  const next = s.ledger.size;
  const again = await post(s.url, writer, outcome.refused[0]!);
  expect(again.status).toBe(201);
  expect(again.body.index).toBe(next); // dense: the failed commit left no gap
  outcome.acked.set(outcome.refused.shift()!, next);
  // Readiness re-probes the database at most once a second: wait for the next probe.
  await waitFor(async () => {
    s.ledger.tick();
    return (await readyz(s.url)).status === 200;
  }, 'readiness after the fault cleared');
  expect((await readyz(s.url)).body).toMatchObject({ database: 'writable' });
}

const mountable = process.getuid?.() === 0 && canRun('mount', ['--version']) && tryMount();

function tryMount(): boolean {
  const t = tempDir('ledger-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', t.dir], { stdio: 'ignore' });
    execFileSync('umount', [t.dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    t.cleanup();
  }
}

describe.skipIf(!mountable)('disk full on a real size-limited file system (tmpfs)', () => {
  const mountPoint = tempDir('ledger-tmpfs-');
  let f: LedgerFolder;
  afterAll(() => {
    try {
      execFileSync('umount', [mountPoint.dir]);
    } catch {
      execFileSync('umount', ['-l', mountPoint.dir]);
    }
    mountPoint.cleanup();
    f?.cleanup();
  });

  it('answers 503 + Retry-After, stores nothing it refused, reports not ready, and recovers when space returns', async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', mountPoint.dir]);
    const dbDir = path.join(mountPoint.dir, 'db');
    mkdirSync(dbDir);
    f = ledgerFolder('ledger-full-', dbDir);
    const s = await startInProcess(f);
    try {
      const writer = await createToken(s.url, f.adminToken, 'writer');
      // The ledger's own entries (its key, the token's issuance) come first.
      const first = s.ledger.size;
      for (let i = 0; i < 20; i++) expect((await post(s.url, writer, `before-${i}`)).status).toBe(201);
      const filler = path.join(mountPoint.dir, 'filler');
      fillDisk(filler);
      const outcome = await postUntilRefused(s.url, writer, 'full');
      for (let i = 0; i < 20; i++) outcome.acked.set(`before-${i}`, first + i);
      const notReady = await readyz(s.url);
      expect(notReady.status).toBe(503);
      expect(String(notReady.body.database)).toMatch(/SQLITE_FULL/);

      rmSync(filler);
      await expectRecovered(s, writer, outcome);
      await s.close();
      checkStored(f, outcome);
    } finally {
      await s.close();
    }
  });
});

/** Writes until the file system says ENOSPC. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0xab);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
}

describe('disk full, simulated with PRAGMA max_page_count (SQLITE_FULL on the live connection)', () => {
  it('answers 503 + Retry-After, stores nothing it refused, and recovers when the cap is lifted', async () => {
    const f = ledgerFolder('ledger-full-sim-');
    const s = await startInProcess(f);
    try {
      const writer = await createToken(s.url, f.adminToken, 'writer');
      const db = s.store.sqlite;
      const cap = Number(db.pragma('page_count', { simple: true }));
      db.pragma(`max_page_count = ${cap}`);
      const outcome = await postUntilRefused(s.url, writer, 'capped');
      // No readiness check here: the cap counts pages, and the readiness probe rewrites page 1,
      // so it still commits. Readiness under a really full disk is the tmpfs test's job.

      db.pragma(`max_page_count = ${cap * 1000}`);
      await expectRecovered(s, writer, outcome);
      await s.close();
      checkStored(f, outcome);
    } finally {
      await s.close();
      f.cleanup();
    }
  });
});
