/**
 * `ledger migrate`: copies a log from one store (a SQLite file, read in one snapshot) into an
 * empty one (PostgreSQL), then proves the copy before calling it done (migration-proof.ts).
 * Refuses before writing anything when the source's schema is not this code's, when either
 * database holds a table this code does not know, or when the target already holds anything.
 */
import type { Crypto } from '../crypto/types.js';
import type { VerifierKey } from '../note/index.js';
import type { Store } from '../store/index.js';
import { loadMigrations } from '../store/migrate.js';
import { forDialect } from '../store/sql.js';
import { copyTables, rowCount, type CopyCounts } from './migration-copy.js';
import { MigrationError } from './migration-errors.js';
import { compareTables, proveTarget } from './migration-proof.js';
import { COPIED_TABLES, unknownTables } from './migration-tables.js';

export { MigrationError, type MigrationErrorCode } from './migration-errors.js';

export interface MigrationOptions {
  crypto: Crypto;
  /** The published verifier key the audit checks signatures with; default: the one the log records. */
  key?: VerifierKey;
  batchRows?: number;
  /** Told when each step starts (copying a table, comparing, auditing). */
  onStep?: (step: string) => void;
  /** Told how many rows (or, while auditing, entries) of the current step are done. */
  onProgress?: (done: number, total: number) => void;
  /** Monotonic milliseconds, for the summary's timings only. */
  now?: () => number;
}

export interface MigrationSummary {
  entries: number;
  checkpoints: number;
  treeSize: number;
  rootHash: string;
  rows: CopyCounts;
  rowsCompared: number;
  copyMs: number;
  proofMs: number;
}

export function migrateLog(source: Store, target: Store, o: MigrationOptions): MigrationSummary {
  const now = o.now ?? (() => performance.now());
  return source.readSnapshot(() => {
    refuseUnknownTables(source, 'source');
    refuseUnknownTables(target, 'target');
    refuseOtherSchema(source);
    refuseNonEmptyTarget(target);
    const started = now();
    const rows = copyTables(source, target, {
      ...(o.batchRows ? { batchRows: o.batchRows } : {}),
      onTable: (table, n) => o.onStep?.(`copying ${table} (${n} rows)`),
      onRows: o.onProgress,
    });
    const copied = now();
    const rowsCompared = compareTables(source, target, (table, n) => o.onStep?.(`comparing ${table} (${n} rows) with the source`));
    o.onStep?.(`auditing the target (${rows.entries ?? 0} entries: every leaf, node, checkpoint and signature)`);
    const proof = proveTarget(target, { crypto: o.crypto, key: o.key, onProgress: o.onProgress });
    return {
      entries: rows.entries ?? 0,
      checkpoints: rows.checkpoints ?? 0,
      treeSize: proof.treeSize,
      rootHash: proof.rootHash,
      rows,
      rowsCompared,
      copyMs: copied - started,
      proofMs: now() - copied,
    };
  });
}

/** The tables of the store's schema (SQLite's own sqlite_* tables aside). */
export function tablesOf(store: Store): string[] {
  const sql = forDialect(store.db, {
    sqlite: "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    postgres: "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  });
  return store.db.prepare(sql).pluck().all() as string[];
}

function refuseUnknownTables(store: Store, which: 'source' | 'target'): void {
  const unknown = unknownTables(tablesOf(store));
  if (unknown.length === 0) return;
  const tables = `table${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
  throw new MigrationError(
    'UNKNOWN_TABLE',
    which === 'source'
      ? `the source holds ${tables} that this version of ledger migrate does not know how to copy; refusing rather than leaving it behind (use the ledger version that created it)`
      : `the target holds ${tables} that are not the ledger's; migrate into an empty database or schema`,
  );
}

function refuseOtherSchema(source: Store): void {
  const have = Number(source.db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get());
  const want = loadMigrations().length;
  if (have !== want) {
    throw new MigrationError(
      'SOURCE_SCHEMA',
      have < want
        ? `the source's schema is version ${have}, this ledger's ${want}: start this version of the ledger on it once (it migrates the file), then migrate`
        : `the source's schema is version ${have}, newer than this ledger's ${want}: use the newer ledger`,
    );
  }
}

function refuseNonEmptyTarget(target: Store): void {
  const size = target.log.size();
  if (size > 0) throw new MigrationError('TARGET_NOT_EMPTY', `the target already holds a log of ${size} entries; ledger migrate only fills an empty one`);
  const held = COPIED_TABLES.map((t) => [t.name, rowCount(target, t.name)] as const).filter(([, n]) => n > 0);
  if (held.length > 0) {
    throw new MigrationError(
      'TARGET_NOT_EMPTY',
      `the target holds no entries but is not empty (${held.map(([name, n]) => `${name}: ${n} rows`).join(', ')}); ledger migrate only fills an empty one`,
    );
  }
}
