/**
 * Reporting-period closes (contract, "Periods"). When a period ends, the ledger signs a C2SP
 * checkpoint whose tree size is exactly the number of entries with receivedAt < end, and
 * records the close. That count is a prefix of the log only because receivedAt never
 * decreases with the index; the receivedAt floor keeps it so across clock steps and restarts.
 *
 * Which periods close: every period whose end lies after the receivedAt of entry 0 (a period
 * that began before the first entry and ends after it does close). So a close always covers
 * at least entry 0, and a close of tree size 0 cannot happen (migration 002 also refuses it).
 * Periods that ended at or before entry 0 never close: the API answers 404 for them.
 */
import type { Period, PeriodKind } from '../evidence/index.js';
import { formatTimestamp, periodsEndedBetween } from '../evidence/index.js';
import type { CheckpointRow, PeriodCloseRow, Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { LedgerError } from './errors.js';
import type { ProofService } from './proofs.js';
import type { CloseWitnessing } from './witnessing.js';

/**
 * Most closes one tick performs. A year of downtime is about 382 closes (365 days, 12 months,
 * 4 quarters, 1 year), so start-up catches up about five years per tick while a tick stays
 * bounded; the rest closes on the following ticks.
 */
export const MAX_CLOSES_PER_TICK = 2000;

const DAY_MS = 86_400_000;
/** Meta key recording the fiscal start month the closes were made with. */
const META_FISCAL_START = 'fiscal_year_start';

/** What the closer needs from the ledger: the one writer's size and floor, and signing. */
export interface PeriodLedger {
  readonly store: Store;
  readonly clock: Clock;
  readonly proofs: ProofService;
  readonly size: number;
  raiseReceivedAtFloor(ms: number): void;
  checkpointAt(size: number): CheckpointRow;
  /** The note to serve for a stored checkpoint (with the cosignature lines held for it). */
  servedNote?(row: CheckpointRow): string;
  /** The close's witnessed status, when a witness policy is configured. */
  closeWitnessing?(closeSize: number): CloseWitnessing | undefined;
}

/** One closed period in a listing. */
export interface PeriodSummary {
  period: string;
  start: string;
  end: string;
  treeSize: number;
}

/** Contract, `GET /v1/periods/{id}`. */
export interface PeriodCloseView extends PeriodSummary {
  /** The signed checkpoint note at treeSize. */
  checkpoint: string;
  /** The previous close of the same kind, with the RFC 9162 §2.1.4 proof from its size to this one. */
  previous: { period: string; treeSize: number; consistency: string[] } | null;
  /**
   * With a witness policy: the first checkpoint at the close's size or later that meets the
   * quorum, with the consistency proof from the close to it, or who has not cosigned yet.
   */
  witnessed?: (CloseWitnessing & { consistency?: string[] }) | undefined;
}

export class PeriodCloser {
  private firstReceivedMs: number | undefined;

  constructor(
    private readonly ledger: PeriodLedger,
    private readonly fiscalYearStart: number,
  ) {
    checkFiscalStart(ledger.store, fiscalYearStart);
    this.restoreFloor();
  }

  /**
   * The floor lives in the sequencer's memory; a restart (or a follower promoted to sequencer)
   * must not forget the last closed end, or a clock that stepped back meanwhile could stamp an
   * entry into a closed period.
   */
  restoreFloor(): void {
    const lastEnd = this.ledger.store.periods.lastClosedEnd();
    if (lastEnd !== undefined) this.ledger.raiseReceivedAtFloor(Date.parse(lastEnd));
  }

  /**
   * Closes every period whose end is due (at most MAX_CLOSES_PER_TICK), in order of end.
   * Runs on every tick and at start-up, so periods that ended while the service was down close
   * at their right sizes. Returns the closes recorded now.
   */
  closeDue(): PeriodCloseRow[] {
    const first = this.firstEntryMs();
    if (first === undefined) return [];
    const store = this.ledger.store;
    const lastEnd = store.periods.lastClosedEnd();
    // Resume AT the latest closed end, not after it: periods sharing it (a day and its month)
    // are not all recorded when a tick stopped between them. Recorded ones are skipped below.
    const after = lastEnd === undefined ? first : Date.parse(lastEnd) - 1;
    // Each day in the window is a close, so this window holds at least a tick's worth.
    const upTo = Math.min(this.ledger.clock(), after + MAX_CLOSES_PER_TICK * DAY_MS);
    if (upTo <= after) return [];
    const due = periodsEndedBetween(after, upTo, this.fiscalYearStart)
      .filter((p) => store.periods.get(p.id) === undefined)
      .slice(0, MAX_CLOSES_PER_TICK);
    const closed: PeriodCloseRow[] = [];
    try {
      for (let i = 0; i < due.length; ) {
        const end = due[i]!.end;
        let j = i;
        while (j < due.length && due[j]!.end === end) j++;
        closed.push(...this.closeAt(end, due.slice(i, j)));
        i = j;
      }
    } finally {
      // One transaction (one fsync) for the tick's closes, including those made before a failure.
      // A crash before it loses nothing: the next start recomputes the same sizes (floor restored).
      if (closed.length) this.record(closed);
    }
    return closed;
  }

  /** The close of `period` as the contract serves it; 409 while not closed, 404 if it never will be. */
  view(period: Period): PeriodCloseView {
    const store = this.ledger.store;
    const row = store.periods.get(period.id);
    if (!row) throw this.notClosed(period);
    const checkpoint = store.checkpoints.at(row.treeSize);
    if (!checkpoint) throw new Error(`the close of ${row.periodId} names checkpoint ${row.treeSize}, which is not stored`);
    const prev = store.periods.latestOfKind(row.kind, row.end);
    const witnessed = this.ledger.closeWitnessing?.(row.treeSize);
    return {
      ...summary(row),
      checkpoint: this.ledger.servedNote ? this.ledger.servedNote(checkpoint) : checkpoint.note,
      // prev.treeSize >= 1 (no close has size 0), so a consistency proof from it always exists.
      previous: prev
        ? { period: prev.periodId, treeSize: prev.treeSize, consistency: this.ledger.proofs.consistency(prev.treeSize, row.treeSize).proof }
        : null,
      ...(witnessed ? { witnessed: witnessed.quorum ? { ...witnessed, consistency: this.consistencyOrEmpty(row.treeSize, witnessed.treeSize) } : witnessed } : {}),
    };
  }

  private consistencyOrEmpty(from: number, to: number): string[] {
    return from === to ? [] : this.ledger.proofs.consistency(from, to).proof;
  }

  /** Closed periods of `kind` (every kind when omitted), by end. */
  list(kind?: PeriodKind): PeriodSummary[] {
    return this.ledger.store.periods.list(kind).map(summary);
  }

  /** Signs the close of the periods ending at `endMs`; they share one tree size and one checkpoint. */
  private closeAt(endMs: number, periods: readonly Period[]): PeriodCloseRow[] {
    // First the floor: from here on no entry can be stamped before `end`, so the count below
    // is final even if the clock steps back.
    this.ledger.raiseReceivedAtFloor(endMs);
    const treeSize = this.sizeBefore(endMs);
    // Proves consistency with the neighbouring signed checkpoints before signing (checkpointer).
    this.ledger.checkpointAt(treeSize);
    const closedAt = formatTimestamp(this.ledger.clock());
    return periods.map((p): PeriodCloseRow => ({
      periodId: p.id,
      kind: p.kind,
      start: formatTimestamp(p.start),
      end: formatTimestamp(p.end),
      treeSize,
      closedAt,
    }));
  }

  private record(rows: readonly PeriodCloseRow[]): void {
    const store = this.ledger.store;
    store.transaction(() => {
      if (store.meta(META_FISCAL_START) === undefined) store.setMeta(META_FISCAL_START, String(this.fiscalYearStart));
      for (const row of rows) store.periods.add(row);
    });
  }

  /**
   * Number of entries with receivedAt < end: the first index received at or after it, found by
   * binary search over the index (receivedAt never decreases), O(log n) row reads.
   */
  private sizeBefore(endMs: number): number {
    const boundary = formatTimestamp(endMs);
    let lo = 0;
    let hi = this.ledger.size;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const entry = this.ledger.store.log.entry(mid);
      if (!entry) throw new Error(`couldn't read entry ${mid} of ${this.ledger.size} to close a period`);
      // RFC 3339 UTC with milliseconds in one fixed format: text order is time order.
      if (entry.receivedAt < boundary) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private notClosed(period: Period): LedgerError {
    const end = formatTimestamp(period.end);
    const first = this.firstEntryMs();
    const now = this.ledger.clock();
    if (first !== undefined && period.end <= first) {
      return new LedgerError('NOT_FOUND', `${period.id} ended at ${end}, before the ledger's first entry: it has no close`, 'id');
    }
    // An empty ledger: a period that has ended holds no entry and will not close (unless the
    // clock steps back before the first entry arrives, which is outside what a 404 can promise).
    if (first === undefined && period.end <= now) {
      return new LedgerError('NOT_FOUND', `${period.id} ended at ${end}, and the ledger has no entries yet: it has no close`, 'id');
    }
    return new LedgerError(
      'PERIOD_OPEN',
      period.end > now
        ? `${period.id} is open until ${end}`
        : `${period.id} ended at ${end}; its close is signed within one checkpoint interval`,
      'id',
    );
  }

  /** receivedAt of entry 0 in epoch ms, or undefined while the log is empty. Never changes once known. */
  private firstEntryMs(): number | undefined {
    if (this.firstReceivedMs === undefined) {
      const first = this.ledger.size > 0 ? this.ledger.store.log.entry(0) : undefined;
      if (first) this.firstReceivedMs = Date.parse(first.receivedAt);
    }
    return this.firstReceivedMs;
  }
}

function summary(row: PeriodCloseRow): PeriodSummary {
  return { period: row.periodId, start: row.start, end: row.end, treeSize: row.treeSize };
}

/**
 * Period ids name different intervals under another fiscal start (2026-Q1 moves), so closes
 * made under one start month would be misnamed under another: refuse it, like a key mismatch.
 */
function checkFiscalStart(store: Store, fiscalYearStart: number): void {
  const recorded = store.meta(META_FISCAL_START);
  if (recorded !== undefined && Number(recorded) !== fiscalYearStart) {
    throw new LedgerError(
      'FISCAL_START_MISMATCH',
      `this database closed its periods with fiscal years starting in month ${recorded}; ` +
        `LEDGER_FISCAL_YEAR_START=${fiscalYearStart} would rename them. Set it back to ${recorded}.`,
    );
  }
}
