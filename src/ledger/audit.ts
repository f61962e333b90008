/**
 * `ledger audit`: recomputes everything a ledger database claims, from a copy of it, trusting
 * nothing but the verifier key. In one pass over the entries in index order, in O(log n)
 * memory, it checks each entry and the hash chain (audit-entries), rebuilds the RFC 9162
 * tree and compares every stored node (audit-tree), checks each signed checkpoint as the
 * tree reaches its size (audit-checkpoints), each period close (audit-periods) and the search
 * rows of each indexed entry (audit-search).
 *
 * The verdict depends only on the database and the key, never on the current time; the
 * clock is read only to report throughput. The store SHOULD be opened read-only.
 */
import type { Crypto } from '../crypto/types.js';
import { toHex } from '../crypto/bytes.js';
import type { VerifierKey } from '../note/index.js';
import type { Store } from '../store/index.js';
import { CheckpointChecker } from './audit-checkpoints.js';
import { CosignatureChecker } from './audit-cosignatures.js';
import { EntryChecker } from './audit-entries.js';
import { RedactionChecker } from './audit-redactions.js';
import { DEFAULT_MAX_KEPT_FINDINGS, FindingLog, type AuditFinding, type AuditFindingCode } from './audit-findings.js';
import { resolveAuditKey, type KeySource } from './audit-key.js';
import { PeriodCloseChecker } from './audit-periods.js';
import { SearchIndexChecker } from './audit-search.js';
import { TreeChecker } from './audit-tree.js';

export type { AuditFinding, AuditFindingCode } from './audit-findings.js';
export type { KeySource } from './audit-key.js';

/** How often (in entries) progress is reported: often enough for a bar, rare enough to cost nothing. */
export const PROGRESS_EVERY_ENTRIES = 4096;
const BYTES_PER_MEGABYTE = 1_000_000;

export interface AuditOptions {
  crypto: Crypto;
  /** The published verifier key; without it, the key recorded in the database is used. */
  key?: VerifierKey;
  /** The auditor's witness keys (from a tlog-policy); without them, each cosignature's recorded key. */
  witnessKeys?: readonly VerifierKey[];
  /** Findings kept in full (all are counted). */
  maxFindings?: number;
  /** Called every PROGRESS_EVERY_ENTRIES entries and at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Monotonic milliseconds, for the throughput report only. */
  now?: () => number;
}

export interface AuditReport {
  ok: boolean;
  key: { verifierKey: string | null; source: KeySource };
  /** Entry rows read, and the size and root of the tree recomputed from them. */
  entries: number;
  treeSize: number;
  rootHash: string;
  leafBytes: number;
  nodesCompared: number;
  checkpointsChecked: number;
  periodClosesChecked: number;
  /** Stored witness cosignatures verified. */
  cosignaturesChecked: number;
  /** Entries whose search rows were checked: those below the indexer's progress. */
  searchEntriesChecked: number;
  findingCount: number;
  findingsByCode: Partial<Record<AuditFindingCode, number>>;
  /** The lowest entry index a finding names. */
  firstBadIndex: number | null;
  /** The first findings, in the order found (at most maxFindings). */
  findings: AuditFinding[];
  elapsedMs: number;
  entriesPerSecond: number;
  megabytesPerSecond: number;
}

export function auditLedger(store: Store, opts: AuditOptions): AuditReport {
  // One snapshot: a ledger writing to the file meanwhile must not look like a tampered one.
  return store.readSnapshot(() => auditSnapshot(store, opts));
}

function auditSnapshot(store: Store, opts: AuditOptions): AuditReport {
  const c = opts.crypto;
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const findings = new FindingLog(opts.maxFindings ?? DEFAULT_MAX_KEPT_FINDINGS);
  const key = resolveAuditKey(c, store, opts.key, findings);
  const entries = new EntryChecker(c, findings);
  const tree = new TreeChecker(c, store.log, findings);
  const periods = new PeriodCloseChecker(store, findings);
  const checkpoints = new CheckpointChecker(c, store, key, findings);
  const search = new SearchIndexChecker(store, findings);
  const redactions = new RedactionChecker(store, findings);
  const total = store.log.size();
  let rows = 0;
  let firstBeyond: number | undefined;
  try {
    checkpoints.reach(0, () => tree.root());
    // From the lowest possible index, so that a planted negative index is seen too.
    for (const row of store.log.iterate(Number.MIN_SAFE_INTEGER)) {
      const entry = entries.check(row, redactions.vouches(row));
      search.check(row);
      periods.beforeEntry(tree.size, entry.receivedAt);
      tree.append(entry.leafHash);
      checkpoints.entry(row.controlId, entry.leafHash);
      checkpoints.reach(tree.size, () => tree.root());
      if (++rows % PROGRESS_EVERY_ENTRIES === 0) opts.onProgress?.(rows, total);
    }
    firstBeyond = checkpoints.finish(tree.size);
  } finally {
    checkpoints.close();
  }
  // A gap was reported where it is; only indexes past the last row are a missing tail.
  const end = entries.nextIndex;
  if (firstBeyond !== undefined && firstBeyond > end) {
    findings.add({
      code: 'ENTRY_MISSING',
      index: end,
      message: `the log ends before entry ${end}, but a checkpoint was signed at ${firstBeyond}: entries ${end}..${firstBeyond - 1} are missing`,
    });
  }
  periods.finish(tree.size);
  const cosignatures = new CosignatureChecker(c, store, findings, opts.witnessKeys);
  cosignatures.run();
  search.finish(end);
  redactions.finish();
  tree.finish();
  opts.onProgress?.(rows, total);

  const elapsedMs = now() - started;
  const perSecond = (n: number): number => (elapsedMs > 0 ? (n * 1000) / elapsedMs : 0);
  return {
    ok: findings.count === 0,
    key: { verifierKey: key.verifierKey ?? null, source: key.source },
    entries: rows,
    treeSize: tree.size,
    rootHash: toHex(tree.root()),
    leafBytes: entries.leafBytes,
    nodesCompared: tree.nodesCompared,
    checkpointsChecked: checkpoints.checked,
    periodClosesChecked: periods.count,
    cosignaturesChecked: cosignatures.checked,
    searchEntriesChecked: search.entriesChecked,
    findingCount: findings.count,
    findingsByCode: findings.byCode,
    firstBadIndex: findings.firstBadIndex ?? null,
    findings: findings.kept,
    elapsedMs,
    entriesPerSecond: perSecond(rows),
    megabytesPerSecond: perSecond(entries.leafBytes) / BYTES_PER_MEGABYTE,
  };
}
