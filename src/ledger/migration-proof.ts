/**
 * The proof half of `ledger migrate`: before it reports success, every table is read back from
 * the target and compared with the source row by row, both streamed in key order (so memory
 * stays a page of rows, whatever the log's size); then the target's tree is checked against
 * its newest checkpoint and the full audit (audit.ts, the one `ledger audit` runs) must pass on
 * it, which recomputes every leaf hash, every node and the root at every checkpoint from the
 * target's own rows and verifies every signature.
 */
import type { Crypto } from '../crypto/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { rootAt } from '../merkle/index.js';
import type { VerifierKey } from '../note/index.js';
import type { Store } from '../store/index.js';
import { storedSearchValue } from '../store/sql.js';
import { auditLedger, type AuditReport } from './audit.js';
import { COPIED_TABLES, type CopiedTable } from './migration-tables.js';
import { MigrationError } from './migration-errors.js';
import { bareName, keyText, rowCount, valueText } from './migration-copy.js';

type Row = Record<string, unknown>;

/** Compares every copied table; the caller holds the source's snapshot. Returns rows compared. */
export function compareTables(source: Store, target: Store, onTable?: (table: string, rows: number) => void): number {
  return target.readSnapshot(() => {
    let compared = 0;
    for (const table of COPIED_TABLES) {
      onTable?.(table.name, rowCount(source, table.name));
      compared += compareTable(source, target, table);
    }
    return compared;
  });
}

function compareTable(source: Store, target: Store, table: CopiedTable): number {
  const sql = `SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.key.join(', ')}`;
  const names = table.columns.map(bareName);
  const ours = source.db.prepare(sql).iterate() as Iterator<Row>;
  const theirs = target.db.prepare(sql).iterate() as Iterator<Row>;
  const asStored = (row: Row): Row => (table.name === 'entry_search' ? { ...row, value: storedSearchValue(target.db, row.value) } : row);
  let n = 0;
  try {
    for (;;) {
      const a = ours.next();
      const b = theirs.next();
      if (a.done && b.done) return n;
      if (a.done) throw differs(table, `the target has a row the source has not: ${keyText(table, b.value)}`);
      if (b.done) throw differs(table, `the target lacks the source's row ${keyText(table, a.value)} and every one after it`);
      const want = asStored(a.value);
      const column = names.find((name) => !sameValue(want[name], b.value[name]));
      if (column !== undefined) {
        throw differs(
          table,
          `row ${keyText(table, want)} differs in ${column}: source ${valueText(want[column])}, target ${valueText(b.value[column])}`,
        );
      }
      n++;
    }
  } finally {
    ours.return?.();
    theirs.return?.();
  }
}

function differs(table: CopiedTable, message: string): MigrationError {
  return new MigrationError('COPY_DIFFERS', `${table.name}: ${message}`);
}

/** Equal as stored: bytes by bytes, numbers by value (both backends return safe integers), text exactly. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  return a === b;
}

export interface TargetProof {
  treeSize: number;
  rootHash: string;
  audit: AuditReport;
}

/**
 * The target's stored tree gives its newest checkpoint's root (what it will serve proofs from),
 * and the full audit passes on it.
 */
export function proveTarget(
  target: Store,
  o: { crypto: Crypto; key?: VerifierKey | undefined; onProgress?: ((done: number, total: number) => void) | undefined },
): TargetProof {
  const latest = target.checkpoints.latest();
  if (latest) {
    const root = rootAt(o.crypto, latest.treeSize, target.log);
    if (!bytesEqual(root, latest.rootHash)) {
      throw new MigrationError(
        'AUDIT_FAILED',
        `the target's stored tree at size ${latest.treeSize} has root ${toHex(root)}, not its newest checkpoint's ${toHex(latest.rootHash)}`,
      );
    }
  }
  const audit = auditLedger(target, { crypto: o.crypto, ...(o.key ? { key: o.key } : {}), onProgress: o.onProgress });
  if (!audit.ok) {
    const quoted = audit.findings.slice(0, 5).map((f) => `  ${f.code}: ${f.message}`);
    throw new MigrationError(
      'AUDIT_FAILED',
      `the target fails the audit (${audit.findingCount} findings, first bad index ${audit.firstBadIndex ?? '-'}); ` +
        `the copy equals the source, so the source fails it too (ledger audit --db on it):\n${quoted.join('\n')}`,
    );
  }
  return { treeSize: audit.treeSize, rootHash: audit.rootHash, audit };
}
