/**
 * Faults found at start-up: the real `ledger serve` must exit non-zero with a message that says
 * what is wrong and what to do, and must not create or change anything on its way out.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { canMakeImmutable, createToken, ledgerFolder, post, startInProcess, type LedgerFolder } from './support.js';

/** Enough entries that the database spans many pages, so a truncation cuts through the tree. */
const ENTRIES = 300;

async function refusal(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const server = ServerProcess.spawn({ ...env, LOG_LEVEL: 'warn' });
  const exit = await server.exited;
  return { code: exit.code, output: server.output() };
}

describe('start-up faults', () => {
  let f: LedgerFolder;
  let pristine: Buffer;

  beforeAll(async () => {
    f = ledgerFolder('ledger-startup-');
    const s = await startInProcess(f);
    const writer = await createToken(s.url, f.adminToken, 'writer');
    for (let i = 0; i < ENTRIES; i++) expect((await post(s.url, writer, `start-${i}`)).status).toBe(201);
    await s.close();
    // Fold the WAL into the main file, so the file alone is the database.
    const store = Store.open(f.dbFile);
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    pristine = readFileSync(f.dbFile);
  });
  afterAll(() => f.cleanup());

  const restoreDb = () => writeFileSync(f.dbFile, pristine);

  it('starts normally on the intact database (the baseline for every refusal below)', async () => {
    restoreDb();
    const server = ServerProcess.spawn(f.env);
    await server.waitListening();
    await server.kill();
  });

  it('refuses a missing key file for a database that holds a log, and does not invent a new key', async () => {
    restoreDb();
    const aside = `${f.keyFile}.aside`;
    renameSync(f.keyFile, aside);
    try {
      const r = await refusal(f.env);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/signing key file .* does not exist.*restore that key file from its backup/);
      expect(() => statSync(f.keyFile)).toThrow();
    } finally {
      renameSync(aside, f.keyFile);
    }
  });

  it('refuses a key file that cannot be read (a folder in its place)', async () => {
    restoreDb();
    const dirKey = `${f.keyFile}.d`;
    mkdirSync(dirKey, { recursive: true });
    const r = await refusal({ ...f.env, LEDGER_KEY_FILE: dirKey });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot read the signing key file .*EISDIR/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a key file without read permission (non-root only: root reads any mode)', async () => {
    restoreDb();
    const unreadable = `${f.keyFile}.0000`;
    writeFileSync(unreadable, readFileSync(f.keyFile), { mode: 0o000 });
    const r = await refusal({ ...f.env, LEDGER_KEY_FILE: unreadable });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot read the signing key file .*EACCES/);
  });

  it('refuses a key file that holds no key', async () => {
    restoreDb();
    const garbage = `${f.keyFile}.garbage`;
    writeFileSync(garbage, 'not a key\n', { mode: 0o600 });
    const r = await refusal({ ...f.env, LEDGER_KEY_FILE: garbage });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot start: .*key/i);
  });

  it('refuses a truncated database and says to restore it from a backup', async () => {
    restoreDb();
    truncateSync(f.dbFile, Math.floor(pristine.length / 2));
    const r = await refusal(f.env);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/CORRUPT.*damaged: restore it from a backup with `ledger restore`/);
    expect(statSync(f.dbFile).size).toBe(Math.floor(pristine.length / 2));
  });

  it('refuses a file that is not a database', async () => {
    writeFileSync(f.dbFile, 'this is not a database\n'.repeat(400));
    const r = await refusal(f.env);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/NOTADB|CORRUPT/);
    expect(r.output).toMatch(/damaged: restore it from a backup/);
  });

  // Root ignores file modes, so the read-only file is made immutable (chattr +i), which binds root too.
  const chattr = canMakeImmutable();
  it.skipIf(!chattr)('refuses a database file it cannot write (immutable), instead of serving read-only', async () => {
    restoreDb();
    unlinkSyncQuiet(`${f.dbFile}-wal`);
    execFileSync('chattr', ['+i', f.dbFile]);
    try {
      const r = await refusal(f.env);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/SQLITE_(READONLY|CANTOPEN|IOERR)|not permitted|EPERM/);
      expect(r.output).toMatch(/cannot be written|readonly|read-only/i);
    } finally {
      execFileSync('chattr', ['-i', f.dbFile]);
    }
    expect(readFileSync(f.dbFile).equals(pristine)).toBe(true);
  });
});

function unlinkSyncQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there
  }
}
