/**
 * Opening a database file read-only for an audit, as a person would after copying it with `cp`.
 * Two surprises are handled here. SQLite in WAL mode creates `-wal` and `-shm` files beside any
 * file it opens, even read-only: they are removed again on close when this open created them and
 * the `-wal` holds nothing (a writer would have written frames to it). And a WAL-mode file
 * without its `-wal` may be missing its newest data (a plain `cp` of a running ledger's file):
 * {@link ReadOnlyCopy.walHint} says so, for the message about whatever then fails.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { Store } from './index.js';

export interface ReadOnlyCopy {
  store: Store;
  /** Set when the file is in WAL mode and no `-wal` was beside it: what to tell the user on failure. */
  walHint: string | undefined;
  close(): void;
}

/** https://sqlite.org/fileformat.html §1.3: bytes 18 and 19 are 2 in WAL mode. */
export function isWalModeFile(file: string): boolean {
  const header = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function walHintFor(file: string): string {
  return (
    `${file} is in WAL mode but has no ${file}-wal beside it: if it was copied with cp while the ledger ran, ` +
    'its newest data is still in the original -wal file. Copy a running ledger with `ledger backup`, or stop the ' +
    'ledger first and copy the -wal file with it'
  );
}

/** Opens `file` read-only (throws as Store.open does); see the module comment. */
export function openReadOnlyCopy(file: string): ReadOnlyCopy {
  const sidecars = [`${file}-wal`, `${file}-shm`];
  const existed = sidecars.map((f) => existsSync(f));
  const walHint = !existed[0] && isWalModeFile(file) ? walHintFor(file) : undefined;
  const cleanUp = () => {
    const wal = sidecars[0]!;
    // Only files this open created, and only while the -wal is empty: nobody wrote through them.
    if (existed[0] || existed[1] || !existsSync(wal) || statSync(wal).size !== 0) return;
    for (const f of sidecars) rmSync(f, { force: true });
  };
  let store: Store;
  try {
    store = Store.open(file, { readonly: true });
  } catch (err) {
    cleanUp();
    throw err;
  }
  return {
    store,
    walHint,
    close: () => {
      store.close();
      cleanUp();
    },
  };
}
