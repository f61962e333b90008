/** Audit tests: copies of a pristine ledger file changed behind its back, and the audit of a file. */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nodeCrypto } from '../../src/crypto/node.js';
import type { VerifierKey } from '../../src/note/index.js';
import { auditLedger, type AuditReport } from '../../src/ledger/audit.js';
import { Store } from '../../src/store/index.js';
import type { TestLedger } from './ledger.js';

let copies = 0;

/** Closes the test ledger and keeps a copy of its file in `dir` as `pristine.db`; returns its path. */
export function savePristine(t: TestLedger, dir: string): string {
  t.ledger.close();
  t.store.close();
  const pristine = path.join(dir, 'pristine.db');
  copyFileSync(t.dbPath, pristine);
  t.cleanup();
  return pristine;
}

/** A fresh copy of `pristine` in `dir`, changed by `change` with the named triggers dropped first. */
export function tamperedCopy(dir: string, pristine: string, triggers: readonly string[], change: (db: Database.Database) => void): string {
  const file = path.join(dir, `copy-${++copies}.db`);
  copyFileSync(pristine, file);
  const db = new Database(file);
  for (const name of triggers) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  change(db);
  db.close();
  return file;
}

/** `ledger audit` of `file`, opened read-only; without `key`, the key recorded in the database is used. */
export function auditFile(file: string, key?: VerifierKey): AuditReport {
  const store = Store.open(file, { readonly: true });
  try {
    return auditLedger(store, key ? { crypto: nodeCrypto, key, maxFindings: 1000 } : { crypto: nodeCrypto });
  } finally {
    store.close();
  }
}
