/**
 * One writer per log: a second writable open, or a second server, is refused while the first
 * lives, and a SIGKILLed holder leaves no stale lock behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, StoreError } from '../../src/store/index.js';
import { ServerProcess } from '../../scripts/harness-server.js';
import { ledgerFolder, type LedgerFolder } from './support.js';

function lockedError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    return err as StoreError;
  }
  throw new Error('expected the open to be refused');
}

describe('writer lock', () => {
  let f: LedgerFolder;
  const servers: ServerProcess[] = [];
  beforeEach(() => {
    f = ledgerFolder('ledger-lock-');
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.kill()));
    f.cleanup();
  });

  it('refuses a second writable open in the same process until the first is closed', () => {
    const first = Store.open(f.dbFile);
    const err = lockedError(() => Store.open(f.dbFile));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe('LOCKED_BY_OTHER_WRITER');
    expect(err.message).toContain(`pid ${process.pid}`);
    first.close();
    Store.open(f.dbFile).close();
  });

  it('never blocks read-only opens (audit, backup) and keeps holding while they come and go', () => {
    const writer = Store.open(f.dbFile);
    for (let i = 0; i < 3; i++) Store.open(f.dbFile, { readonly: true }).close();
    expect(lockedError(() => Store.open(f.dbFile)).code).toBe('LOCKED_BY_OTHER_WRITER');
    writer.close();
  });

  it('releases the lock when an open fails half-way, so the next attempt is judged on its own', () => {
    const first = Store.open(f.dbFile);
    first.db.exec("INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')");
    first.close();
    expect(lockedError(() => Store.open(f.dbFile)).code).toBe('SCHEMA_TOO_NEW');
    expect(lockedError(() => Store.open(f.dbFile)).code).toBe('SCHEMA_TOO_NEW');
  });

  it('refuses a second server on the same database with a clear message and exit 1; after SIGKILL of the first, starts', async () => {
    const first = ServerProcess.spawn(f.env);
    servers.push(first);
    await first.waitListening();

    const second = ServerProcess.spawn(f.env);
    servers.push(second);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.output()).toMatch(/cannot start: another ledger process \(pid \d+\) is already writing/);
    expect(second.output()).toContain(`pid ${first.pid}`);

    // In-process opens see the other process's lock too.
    expect(lockedError(() => Store.open(f.dbFile)).message).toContain(`pid ${first.pid}`);

    await first.kill();
    const third = ServerProcess.spawn(f.env);
    servers.push(third);
    const url = await third.waitListening();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
