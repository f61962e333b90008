/**
 * The audit's period-close checks (contract, "Periods"): a close's tree size is the number of
 * entries with receivedAt < end, a checkpoint was signed at exactly that size, and closes of
 * one kind never shrink. The count comes from the entry stream itself: receivedAt never
 * decreases (checked alongside), so the count for `end` is the index of the first entry
 * received at or after `end`, or the log's size when there is none.
 *
 * Closes are held in memory, sorted by end: there is one per day, month, quarter and year
 * the log has lived through, which grows with time, not with the log.
 */
import type { PeriodCloseRow, Store } from '../store/index.js';
import type { FindingLog } from './audit-findings.js';

export class PeriodCloseChecker {
  readonly #closes: PeriodCloseRow[];
  /** Closes before this position have had their size checked. */
  #at = 0;

  constructor(
    private readonly store: Store,
    private readonly findings: FindingLog,
  ) {
    this.#closes = readCloses(store);
    this.checkOrderAndCheckpoints();
  }

  get count(): number {
    return this.#closes.length;
  }

  /** Call before entry `index` (received at `receivedAt`) joins the tree. */
  beforeEntry(index: number, receivedAt: string): void {
    for (let close = this.#closes[this.#at]; close && close.end <= receivedAt; close = this.#closes[++this.#at]) {
      this.checkSize(close, index);
    }
  }

  /** Every close not yet checked ends after the last entry: all `size` entries count. */
  finish(size: number): void {
    for (let close = this.#closes[this.#at]; close; close = this.#closes[++this.#at]) this.checkSize(close, size);
  }

  private checkSize(close: PeriodCloseRow, receivedBefore: number): void {
    if (close.treeSize !== receivedBefore) {
      this.findings.add({
        code: 'PERIOD_CLOSE_WRONG_SIZE',
        treeSize: close.treeSize,
        periodId: close.periodId,
        message: `period ${close.periodId} closed at tree size ${close.treeSize}, but ${receivedBefore} entries were received before its end ${close.end}`,
      });
    }
  }

  private checkOrderAndCheckpoints(): void {
    const lastSizeOfKind = new Map<string, { periodId: string; treeSize: number }>();
    for (const close of this.#closes) {
      const before = lastSizeOfKind.get(close.kind);
      if (before && close.treeSize < before.treeSize) {
        this.findings.add({
          code: 'PERIOD_CLOSE_DECREASING',
          treeSize: close.treeSize,
          periodId: close.periodId,
          message: `period ${close.periodId} closed at tree size ${close.treeSize}, below the earlier ${close.kind} ${before.periodId} (${before.treeSize})`,
        });
      }
      lastSizeOfKind.set(close.kind, close);
      if (!this.store.checkpoints.at(close.treeSize)) {
        this.findings.add({
          code: 'PERIOD_CLOSE_NO_CHECKPOINT',
          treeSize: close.treeSize,
          periodId: close.periodId,
          message: `period ${close.periodId} closed at tree size ${close.treeSize}, where no checkpoint is stored`,
        });
      }
    }
  }
}

/** All closes by end; none for a database from before the period_closes table (migration 002). */
function readCloses(store: Store): PeriodCloseRow[] {
  try {
    return store.periods.list();
  } catch (err) {
    if (/no such table: period_closes/.test((err as Error).message)) return [];
    throw err;
  }
}
